"""Unit tests of the competition domain: state machines, offers, evaluation, blacklist."""

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest

from competition.domain import purchase_request as pr
from competition.domain.blacklist import BlacklistEntry
from competition.domain.competition import (
    Competition,
    CompetitionItem,
    check_offers_open,
    open_competition,
)
from competition.domain.errors import ActionNotAllowed, RoleNotAllowed, RuleViolation
from competition.domain.evaluation import EvaluatedOffer, evaluate
from competition.domain.offers import CatalogueProduct, OfferLine, OfferTerms, check_offer

from .factories import a_request

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
JAKARTA = ZoneInfo("Asia/Jakarta")


def a_competition(kind="specification") -> Competition:
    return Competition(
        id=uuid4(),
        purchase_request_id=uuid4(),
        work_unit="dinkes",
        kind=kind,
        category="laptop",
        items=[CompetitionItem(1, "l", 10, "unit"), CompetitionItem(2, "m", 2, "unit")],
        pagu=100_000,
        delivery_deadline=date(2026, 4, 1),
        product_name="Laptop X" if kind == "product" else None,
        product_id=uuid4() if kind == "product" else None,
    )


class TestPurchaseRequestStateMachine:
    def test_submit_needs_the_nota_dinas_and_an_official(self):
        request = a_request()
        with pytest.raises(RuleViolation) as refused:
            pr.submit(request, None)
        assert {e["field"] for e in refused.value.errors} == {"official", "documents"}

    def test_walks_draft_submitted_accepted_in_competition_and_back(self):
        request = a_request()
        pr.attach_document(request, pr.NOTA_DINAS)
        pr.submit(request, pr.Official("o", "Sari"))
        assert pr.accept(request).to_state == "accepted"
        pr.start_competition(request)
        change = pr.reopen(request, "failed")
        assert (change.from_state, change.to_state, request.state) == (
            "in_competition",
            "accepted",
            "accepted",
        )

    def test_accepting_a_draft_is_a_conflict_naming_the_allowed_actions(self):
        with pytest.raises(ActionNotAllowed) as refused:
            pr.accept(a_request())
        assert refused.value.current_state == "draft" and refused.value.allowed_actions == []

    def test_returning_needs_a_reason(self):
        request = a_request()
        pr.attach_document(request, pr.NOTA_DINAS)
        pr.submit(request, pr.Official("o", "Sari"))
        with pytest.raises(RuleViolation):
            pr.return_to_ppk(request, "  ")


class TestOpenCompetition:
    def test_the_deadline_must_be_in_the_future(self):
        with pytest.raises(RuleViolation):
            open_competition(a_competition(), NOW, [], NOW)

    def test_offers_close_at_the_deadline(self):
        competition = a_competition()
        open_competition(competition, NOW + timedelta(days=1), [], NOW)
        check_offers_open(competition, "submit_offer", NOW)
        with pytest.raises(ActionNotAllowed):
            check_offers_open(competition, "submit_offer", NOW + timedelta(days=1))
        assert competition.allowed_actions("procurement_official", NOW) == []
        later = NOW + timedelta(days=1)
        assert competition.allowed_actions("procurement_official", later) == ["evaluate"]

    def test_a_vendor_may_not_evaluate(self):
        competition = a_competition()
        open_competition(competition, NOW + timedelta(days=1), [], NOW)
        with pytest.raises(RoleNotAllowed):
            competition.move("evaluate", "vendor", NOW + timedelta(days=2))


class TestSubmitOffer:
    vendor = uuid4()

    def products(self, name="Laptop X", category="laptop"):
        product = CatalogueProduct(uuid4(), self.vendor, category, name, "unit", 5_000)
        return {product.id: product}, product.id

    def terms(self, product_id, prices=(4_000, 4_000), shipping=100):
        lines = tuple(OfferLine(i, product_id, p) for i, p in enumerate(prices, start=1))
        return OfferTerms(lines, shipping, 5)

    def test_evaluated_price_is_lines_times_quantities_plus_shipping(self):
        products, pid = self.products()
        assert check_offer(a_competition(), self.vendor, self.terms(pid), products) == 48_100

    def test_rejects_price_above_catalogue_price(self):
        products, pid = self.products()
        with pytest.raises(RuleViolation) as refused:
            check_offer(a_competition(), self.vendor, self.terms(pid, (5_001, 1)), products)
        assert refused.value.errors[0]["field"] == "lines.0.unit_price"

    def test_rejects_a_total_over_the_pagu(self):
        products, pid = self.products()
        competition = a_competition()
        competition.pagu = 48_099
        with pytest.raises(RuleViolation, match="pagu"):
            check_offer(competition, self.vendor, self.terms(pid), products)

    def test_rejects_another_product_in_a_product_competition(self):
        products, pid = self.products(name="Laptop Y")
        with pytest.raises(RuleViolation, match="does not match"):
            check_offer(a_competition("product"), self.vendor, self.terms(pid), products)

    def test_rejects_another_vendors_product_and_missing_lines(self):
        products, pid = self.products()
        with pytest.raises(RuleViolation) as refused:
            check_offer(a_competition(), uuid4(), self.terms(pid, (1,)), products)
        assert {e["field"] for e in refused.value.errors} == {"lines", "lines.0.product_id"}


def offered(price, minutes=0, blacklisted=False, name="v") -> EvaluatedOffer:
    return EvaluatedOffer(
        uuid4(), uuid4(), name, price, NOW + timedelta(minutes=minutes), blacklisted
    )


class TestEvaluation:
    def test_ranks_by_evaluated_price_then_earlier_submission(self):
        result = evaluate(
            [offered(10, 0, name="a"), offered(9, 5, name="b"), offered(9, 1, name="c")]
        )
        assert [r.offer.vendor_name for r in result.ranking] == ["c", "b", "a"]
        assert result.outcome == "succeeded" and result.winner.offer.vendor_name == "c"

    def test_fails_without_offers(self):
        assert evaluate([]).failure_reason == "no_offers"

    def test_fails_when_only_blacklisted_vendors_offered(self):
        assert evaluate([offered(5, blacklisted=True)]).failure_reason == "only_blacklisted_offers"

    def test_blacklisted_offers_are_left_out_of_the_ranking(self):
        result = evaluate([offered(5, blacklisted=True, name="x"), offered(7, name="y")])
        assert [r.offer.vendor_name for r in result.ranking] == ["y"]

    def test_fails_below_the_minimum_number_of_offers(self):
        assert evaluate([offered(5)], min_offers=2).failure_reason == "below_minimum_offers"

    def test_the_scoring_function_is_pluggable(self):
        result = evaluate(
            [offered(5, name="cheap"), offered(9, name="dear")], score=lambda o: -o.evaluated_price
        )
        assert result.winner.offer.vendor_name == "dear"


class TestBlacklistActivity:
    entry = BlacklistEntry(uuid4(), uuid4(), date(2026, 3, 2), date(2026, 3, 31))

    def test_active_between_its_dates_in_jakarta(self):
        assert self.entry.is_active(NOW, JAKARTA)
        # 2026-03-01 20:00 UTC is already 2 March in Jakarta.
        assert self.entry.is_active(datetime(2026, 3, 1, 20, 0, tzinfo=UTC), JAKARTA)
        assert not self.entry.is_active(datetime(2026, 3, 1, 16, 0, tzinfo=UTC), JAKARTA)
        assert not self.entry.is_active(datetime(2026, 4, 1, 2, 0, tzinfo=UTC), JAKARTA)

    def test_not_active_once_lifted(self):
        lifted = BlacklistEntry(
            self.entry.entry_id,
            self.entry.vendor_id,
            date(2026, 3, 2),
            None,
            NOW + timedelta(hours=1),
        )
        assert lifted.is_active(NOW, JAKARTA)
        assert not lifted.is_active(NOW + timedelta(hours=1), JAKARTA)

    def test_a_lift_known_before_its_entry_bars_no_one(self):
        assert not BlacklistEntry(uuid4(), uuid4(), None).is_active(NOW, JAKARTA)
