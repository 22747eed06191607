"""The Rating aggregate: rated once by its PPK, replied to once by its vendor."""

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from epurchasing_shared.kernel.errors import ActionNotAllowed, RoleNotAllowed, RuleViolation
from epurchasing_shared.kernel.states import Change, TimeStandard
from rating.domain.rating import PENDING, RATED, RATING_MACHINE, REPLIED, CompletedPackage, Rating
from rating.domain.scheme import WeightedResult
from rating.settings import RatingSettings

AT = datetime(2026, 3, 1, 9, tzinfo=UTC)
SCORES = {"quality_quantity": 3, "cost": 2, "timeliness": 3, "service": 2}


def pending() -> Rating:
    package = CompletedPackage(
        procurement_id=uuid4(),
        package_id=uuid4(),
        order_id=uuid4(),
        order_number="SP-1",
        vendor_id=uuid4(),
        vendor_name="CV Maju",
        ppk_id="ppk-1",
        ppk_name="Budi",
        work_unit="dinkes",
        on_time=True,
        completed_at=AT,
    )
    return Rating(id=uuid4(), package=package, opened_at=AT)


class TestRate:
    def test_keeps_scores_weights_and_the_exact_result(self):
        rated = pending()
        change = rated.rate(RatingSettings().rating_scheme(), SCORES, "rapi", AT)
        assert change == Change("rate", PENDING, RATED, "27", "rapi")
        assert rated.state == RATED
        assert rated.result == WeightedResult(260, 100)
        assert rated.weights["timeliness"] == 30
        assert (rated.comment, rated.rated_at, rated.version) == ("rapi", AT, 2)

    def test_refuses_a_second_rating(self):
        scheme = RatingSettings().rating_scheme()
        rated = pending()
        rated.rate(scheme, SCORES, None, AT)
        with pytest.raises(ActionNotAllowed) as refused:
            rated.rate(scheme, SCORES, None, AT)
        assert refused.value.current_state == RATED

    def test_refuses_a_score_outside_the_scale(self):
        rating = pending()
        with pytest.raises(RuleViolation):
            rating.rate(RatingSettings().rating_scheme(), SCORES | {"cost": 4}, None, AT)
        assert (rating.state, rating.version) == (PENDING, 1)

    def test_refuses_a_role_other_than_the_ppk(self):
        with pytest.raises(RoleNotAllowed):
            pending().rate(RatingSettings().rating_scheme(), SCORES, None, AT, role="vendor")


class TestReply:
    def test_only_once_and_only_after_the_rating(self):
        with pytest.raises(ActionNotAllowed):
            pending().answer("thanks", "vendor-user", AT)
        replied = pending()
        replied.rate(RatingSettings().rating_scheme(), SCORES, None, AT)
        change = replied.answer("terima kasih", "vendor-user", AT)
        assert (change.action, change.from_state, change.to_state) == ("reply", RATED, REPLIED)
        assert (replied.state, replied.reply, replied.replied_by) == (
            REPLIED,
            "terima kasih",
            "vendor-user",
        )
        with pytest.raises(ActionNotAllowed):
            replied.answer("again", "vendor-user", AT)


class TestOpen:
    def test_a_completed_package_opens_a_pending_rating(self):
        opened, change = Rating.open(uuid4(), pending().package, AT, "completed")
        assert (opened.state, opened.version, opened.opened_at) == (PENDING, 1, AT)
        # The PPK's turn opens: step 27, one working day (the SOP's Waktu "1 hari").
        ppk_rates = TimeStandard(working_days=1, actor="ppk", step="27")
        assert change == Change("open_rating", "", PENDING, "27", "completed", ppk_rates)

    def test_rating_and_replying_hand_over_no_turn(self):
        """Rating ends step 27 (its turn closes); the vendor's reply is optional: no turn."""
        rated = pending()
        change = rated.rate(RatingSettings().rating_scheme(), SCORES, None, AT)
        assert change.time_standard is None
        assert rated.answer("terima kasih", "vendor-user", AT).time_standard is None


class TestStateMachine:
    def test_reports_allowed_actions_per_role(self):
        assert RATING_MACHINE.allowed_actions(PENDING, "ppk") == ["rate"]
        assert RATING_MACHINE.allowed_actions(PENDING, "vendor") == []
        assert RATING_MACHINE.allowed_actions(RATED, "vendor") == ["reply"]
        assert RATING_MACHINE.allowed_actions(REPLIED, "vendor") == []
