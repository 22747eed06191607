"""Who sees a rating and who may act on it."""

from datetime import UTC, datetime
from uuid import uuid4

from epurchasing_shared.auth import Principal, Role
from rating.application.visibility import allowed_actions, may_see
from rating.domain.rating import CompletedPackage, Rating
from rating.settings import RatingSettings

AT = datetime(2026, 3, 1, 9, tzinfo=UTC)
VENDOR = uuid4()
SCORES = {"quality_quantity": 3, "cost": 2, "timeliness": 3, "service": 2}


def pending() -> Rating:
    package = CompletedPackage(
        uuid4(), uuid4(), uuid4(), "SP-1", VENDOR, "CV", "ppk-1", "Budi", "dinkes", True, AT
    )
    return Rating(id=uuid4(), package=package, opened_at=AT)


def who(role: Role, sub: str = "u", vendor_id=None, work_unit="dinkes") -> Principal:
    return Principal(sub=sub, role=role, name=sub, vendor_id=vendor_id, work_unit=work_unit)


class TestPendingRating:
    def test_is_seen_only_by_its_ppk_and_readers_of_everything(self):
        rating = pending()
        assert may_see(rating, who(Role.PPK, "ppk-1"))
        assert may_see(rating, who(Role.AUDITOR))
        assert not may_see(rating, who(Role.PPK, "ppk-2"))
        assert not may_see(rating, who(Role.VENDOR, vendor_id=VENDOR))

    def test_only_its_ppk_may_rate_it(self):
        assert allowed_actions(pending(), who(Role.PPK, "ppk-1")) == ["rate"]
        assert allowed_actions(pending(), who(Role.PPK, "ppk-2")) == []


class TestRatedRating:
    def test_is_public_to_signed_in_callers_and_only_its_vendor_replies(self):
        rated = pending()
        rated.rate(RatingSettings().rating_scheme(), SCORES, None, AT)
        assert may_see(rated, who(Role.PROCUREMENT_OFFICIAL))
        assert allowed_actions(rated, who(Role.VENDOR, vendor_id=VENDOR)) == ["reply"]
        assert allowed_actions(rated, who(Role.VENDOR, vendor_id=uuid4())) == []
        assert allowed_actions(rated, who(Role.PPK, "ppk-1")) == []
