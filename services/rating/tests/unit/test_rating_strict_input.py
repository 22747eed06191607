"""Hostile input (issue 12): strict request models, bounded refusals, sane blacklist dates."""

from datetime import date
from uuid import uuid4

import pytest
from pydantic import ValidationError

from epurchasing_shared.kernel.errors import RuleViolation
from rating.api.schemas import (
    MAX_SCORED_CRITERIA,
    BlacklistRequest,
    LiftRequest,
    RateRequest,
    ReplyRequest,
)
from rating.domain.scheme import MAX_UNKNOWN_NAMED
from rating.settings import RatingSettings

from .fakes import admin, asking, snapshot
from .test_rating_blacklist_use_cases import command, record

GOOD = {"quality_quantity": 3, "cost": 2, "timeliness": 3, "service": 3}


def rate(scores, **extra):
    return RateRequest.model_validate({"procurement_id": str(uuid4()), "scores": scores} | extra)


def blacklist(**changes):
    body = {
        "vendor_id": str(uuid4()),
        "vendor_name": "CV Maju Jaya Komputer",
        "reason": "Pemalsuan dokumen",
        "decree_reference": "SK 027/2026",
        "starts_on": "2026-03-05",
        "ends_on": "2027-03-04",
    }
    return BlacklistRequest.model_validate(body | changes)


class TestRateRequest:
    def test_takes_integer_scores(self):
        assert rate(GOOD).scores == GOOD

    @pytest.mark.parametrize("score", [True, False, "3", 2.0, 2.5, None, [3], -1, 101])
    def test_refuses_a_score_that_is_not_a_small_json_integer(self, score):
        with pytest.raises(ValidationError) as refused:
            rate(GOOD | {"cost": score})
        assert [e["loc"][:2] for e in refused.value.errors()] == [("scores", "cost")]

    def test_refuses_too_many_keys_with_one_error_before_reading_them(self):
        scores = {f"x{i}": "not a score" for i in range(100_000)}
        with pytest.raises(ValidationError) as refused:
            rate(scores)
        [error] = refused.value.errors()
        assert error["loc"] == ("scores",)
        assert f"at most {MAX_SCORED_CRITERIA}" in error["msg"]
        assert len(str(refused.value)) < 1_000

    @pytest.mark.parametrize("key", ["", "Cost", "cost!", "a" * 61, "1st"])
    def test_refuses_a_key_that_cannot_be_a_criterion(self, key):
        with pytest.raises(ValidationError):
            rate(GOOD | {key: 2})

    def test_refuses_no_scores_a_long_comment_and_a_non_text_comment(self):
        for body in ({"scores": {}}, {"comment": "x" * 4001}, {"comment": 12}):
            with pytest.raises(ValidationError):
                rate(body.pop("scores", GOOD), **body)

    def test_reply_and_lift_texts_are_bounded_strings(self):
        for model, field in ((ReplyRequest, "text"), (LiftRequest, "reason")):
            for value in ("", "x" * 4001, 5, True):
                with pytest.raises(ValidationError):
                    model.model_validate({field: value})


class TestUnknownCriteriaAreRefusedBriefly:
    def test_the_refusal_does_not_grow_with_the_input(self):
        scheme = RatingSettings().rating_scheme()
        unknown = {f"key_{i}_" + "x" * 50: 2 for i in range(100_000)}
        with pytest.raises(RuleViolation) as refused:
            scheme.validate_scores(GOOD | unknown)
        errors = refused.value.errors
        assert len(errors) == MAX_UNKNOWN_NAMED + 1
        assert errors[-1] == {
            "field": "scores",
            "message": f"{100_000 - MAX_UNKNOWN_NAMED} more unknown criteria",
            "message_id": f"{100_000 - MAX_UNKNOWN_NAMED} kriteria tidak dikenal lainnya",
        }
        assert len(refused.value.detail) < 200
        assert sum(len(str(e)) for e in errors) < 5_000

    def test_a_boolean_score_is_refused_by_the_scheme_too(self):
        scheme = RatingSettings().rating_scheme()
        with pytest.raises(RuleViolation) as refused:
            scheme.validate_scores(GOOD | {"cost": True})
        assert refused.value.errors[0]["field"] == "scores.cost"
        assert "message_id" in refused.value.errors[0]


class TestBlacklistDates:
    def test_takes_iso_dates(self):
        assert blacklist().starts_on == date(2026, 3, 5)

    @pytest.mark.parametrize(
        "changes",
        [
            {"starts_on": 0},
            {"starts_on": 1772668800},
            {"starts_on": True},
            {"starts_on": "1970-01-01"},
            {"ends_on": "9999-12-31"},
            {"starts_on": "2026-02-30"},
            {"reason": ""},
            {"reason": "x" * 4001},
            {"decree_reference": "x" * 201},
            {"vendor_name": 7},
            {"vendor_id": 7},
        ],
    )
    def test_refuses_non_text_dates_absurd_years_and_unbounded_text(self, changes):
        with pytest.raises(ValidationError):
            blacklist(**changes)

    @pytest.mark.parametrize(
        ("starts_on", "ends_on", "field"),
        [
            (date(2020, 1, 1), None, "starts_on"),  # today is 2 March 2026: > 5 years ago
            (date(2031, 3, 3), None, "starts_on"),
            (date(2026, 3, 5), date(2036, 3, 6), "ends_on"),  # longer than 10 years
        ],
    )
    async def test_the_use_case_keeps_the_period_near_today(
        self, store, clock, starts_on, ends_on, field
    ):
        before = snapshot(store)
        with pytest.raises(RuleViolation) as refused:
            await record(store, clock, asking(admin()), command(uuid4(), starts_on, ends_on))
        assert [e["field"] for e in refused.value.errors] == [field]
        assert refused.value.errors[0]["message_id"]
        assert snapshot(store) == before

    async def test_a_period_at_the_limits_is_recorded(self, store, clock):
        outcome = await record(
            store, clock, asking(admin()), command(uuid4(), date(2031, 3, 2), date(2041, 3, 2))
        )
        assert outcome.status == 201
