"""The rating scheme: validation of scores and the exact weighted result."""

from decimal import Decimal

import pytest

from epurchasing_shared.kernel.errors import RuleViolation
from rating.domain.scheme import DEFAULT_CRITERIA, Criterion, RatingScheme, WeightedResult
from rating.settings import RatingSettings

ALL_GOOD = {"quality_quantity": 2, "cost": 2, "timeliness": 2, "service": 2}


def default_scheme() -> RatingScheme:
    return RatingSettings().rating_scheme()


class TestDefaultScheme:
    def test_follows_domain_md_criteria_weights_and_scale(self):
        scheme = default_scheme()
        assert scheme.weights == {
            "quality_quantity": 30,
            "cost": 20,
            "timeliness": 30,
            "service": 20,
        }
        assert (scheme.scale_min, scheme.scale_max) == (1, 3)
        assert scheme.scale_labels == {1: "cukup", 2: "baik", 3: "sangat baik"}

    def test_is_configurable_from_the_environment(self, monkeypatch):
        monkeypatch.setenv(
            "RATING_CRITERIA",
            '[{"key": "quality", "label": "Mutu", "weight": 2},'
            ' {"key": "speed", "label": "Kecepatan", "weight": 1}]',
        )
        monkeypatch.setenv("RATING_SCALE_MAX", "5")
        scheme = RatingSettings().rating_scheme()
        assert scheme.weights == {"quality": 2, "speed": 1}
        assert scheme.weighted_result({"quality": 5, "speed": 2}) == WeightedResult(12, 3)


class TestWeightedResult:
    def test_weights_each_score(self):
        result = default_scheme().weighted_result(
            {"quality_quantity": 3, "cost": 1, "timeliness": 2, "service": 3}
        )
        # 30*3 + 20*1 + 30*2 + 20*3 = 230 over 100
        assert result == WeightedResult(points=230, weight_total=100)
        assert result.value == Decimal("2.30")

    def test_all_top_scores_give_the_top_of_the_scale(self):
        scores = dict.fromkeys(ALL_GOOD, 3)
        assert default_scheme().weighted_result(scores).value == Decimal("3.00")

    def test_rounds_half_up_to_two_places_without_float_error(self):
        scheme = RatingScheme(
            criteria=(Criterion("a", "A", 1), Criterion("b", "B", 1), Criterion("c", "C", 1)),
            scale_min=1,
            scale_max=3,
            scale_labels={},
        )
        assert scheme.weighted_result({"a": 1, "b": 1, "c": 2}).value == Decimal("1.33")
        assert scheme.weighted_result({"a": 1, "b": 2, "c": 2}).value == Decimal("1.67")
        assert WeightedResult(1005, 1000).value == Decimal("1.01")  # 1.005 rounds up


class TestScoreValidation:
    @pytest.mark.parametrize("score", [0, 4, -1])
    def test_refuses_a_score_outside_the_scale_naming_the_field(self, score):
        with pytest.raises(RuleViolation) as refused:
            default_scheme().validate_scores(ALL_GOOD | {"cost": score})
        assert [e["field"] for e in refused.value.errors] == ["scores.cost"]

    def test_refuses_a_missing_criterion(self):
        scores = {k: v for k, v in ALL_GOOD.items() if k != "service"}
        with pytest.raises(RuleViolation) as refused:
            default_scheme().validate_scores(scores)
        assert refused.value.errors[0]["field"] == "scores.service"

    def test_refuses_an_unknown_criterion(self):
        with pytest.raises(RuleViolation) as refused:
            default_scheme().validate_scores(ALL_GOOD | {"friendliness": 3})
        assert refused.value.errors[0]["field"] == "scores.friendliness"

    def test_refuses_a_boolean_posing_as_a_score(self):
        with pytest.raises(RuleViolation):
            default_scheme().validate_scores(ALL_GOOD | {"cost": True})


class TestSchemeConfiguration:
    def test_refuses_duplicate_criteria(self):
        with pytest.raises(ValueError):
            RatingScheme((DEFAULT_CRITERIA[0], DEFAULT_CRITERIA[0]), 1, 3, {})

    def test_refuses_an_empty_scale(self):
        with pytest.raises(ValueError):
            RatingScheme(DEFAULT_CRITERIA, 3, 3, {})
