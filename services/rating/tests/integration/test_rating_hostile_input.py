"""Hostile input through the API: bounded refusals, strict types, authentication first."""

import json
from uuid import uuid4

from .rating_helpers import ALL_GOOD
from .test_rating_blacklist import entry_body

PROBLEM = "application/problem+json"


class TestBoundedRefusals:
    async def test_many_unknown_score_keys_get_one_short_refusal(self, rating, tokens):
        scores = ALL_GOOD | {f"unknown_{i}": 2 for i in range(40_000)}  # ~0.8 MB, under 1 MiB
        body = json.dumps({"procurement_id": str(uuid4()), "scores": scores}).encode()
        refused = await rating.client.post(
            "/ratings",
            content=body,
            headers=tokens.ppk() | {"Content-Type": "application/json"},
        )
        assert refused.status_code == 422
        assert refused.headers["content-type"].startswith(PROBLEM)
        assert len(refused.content) < 2_000
        [error] = refused.json()["errors"]
        assert error["field"].endswith("scores")

    async def test_a_few_unknown_criteria_are_named_with_the_valid_ones(self, rating, tokens):
        scores = ALL_GOOD | {f"extra_{i}": 2 for i in range(15)}
        refused = await rating.client.post(
            "/ratings",
            json={"procurement_id": str(uuid4()), "scores": scores},
            headers=tokens.ppk() | {"Accept-Language": "id"},
        )
        assert refused.status_code == 422
        problem = refused.json()
        assert len(refused.content) < 4_000
        assert problem["errors"][-1]["field"] == "scores"
        assert "kriteria" in problem["detail"] or "kriteria" in problem["errors"][0]["message"]

    async def test_strict_scores(self, rating, tokens):
        for bad in (True, "3", 2.0, 10**30):
            refused = await rating.client.post(
                "/ratings",
                json={"procurement_id": str(uuid4()), "scores": ALL_GOOD | {"cost": bad}},
                headers=tokens.ppk(),
            )
            assert refused.status_code == 422, (bad, refused.text)


class TestBlacklistDates:
    async def test_absurd_or_non_text_dates_are_refused(self, rating, tokens):
        for changes in (
            {"starts_on": "1970-01-01"},
            {"starts_on": 0},
            {"ends_on": "9999-12-31"},
            {"starts_on": "2019-01-01", "ends_on": None},  # more than 5 years before today
            {"ends_on": "2040-01-01"},  # a period longer than 10 years
        ):
            refused = await rating.client.post(
                "/blacklist", json=entry_body(uuid4(), **changes), headers=tokens.admin()
            )
            assert refused.status_code == 422, (changes, refused.text)
            assert refused.headers["content-type"].startswith(PROBLEM)


class TestAuthenticationFirst:
    async def test_no_token_is_a_401_even_with_a_malformed_cursor_or_filter(self, rating):
        for params in ({"cursor": "not-a-cursor"}, {"vendor_id": "x"}, {"limit": "0"}):
            response = await rating.client.get("/ratings", params=params)
            assert response.status_code == 401, (params, response.text)


class TestUndecodableBodies:
    async def test_a_body_that_is_not_utf8_is_a_422_not_a_400(self, rating, tokens):
        for path in ("/ratings", f"/ratings/{uuid4()}/reply"):
            who = tokens.ppk() if path == "/ratings" else tokens.vendor(uuid4())
            refused = await rating.client.post(
                path,
                content=b"\xff\xfe{\x9c}",
                headers=who | {"Content-Type": "application/json"},
            )
            assert refused.status_code == 422, refused.text
            assert refused.headers["content-type"].startswith(PROBLEM)
