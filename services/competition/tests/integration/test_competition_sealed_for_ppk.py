"""Acceptance: sealed means sealed. Until the offer deadline no one sees another's price: the
PPK, the official, the admin and the auditor learn how many offers there are (the PPK not even
whose, from the leaderboard, the history, the competition or the request); a vendor sees its
own offer. A regency may let its official watch prices live (an explicit setting). After the
deadline everyone sees the ranking as before."""

import json
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from competition.app import create_app
from competition.settings import CompetitionSettings
from epurchasing_shared.clock import FixedClock
from epurchasing_shared.testing.app import running_app

from ..conftest import CompetitionService
from .competition_steps import (
    Buyers,
    accepted_request,
    add_product,
    add_vendor,
    offer,
    ok,
    opened_competition,
)

PRICES = {0: 7_000_000, 1: 6_500_000}  # evaluated: 84_500_000 and 78_500_000
EVALUATED = {"84500000", "78500000", "7000000", "6500000"}


async def offers_made(service, tokens):
    """A competition of the PPK's work unit with two live offers, deadline in two days."""
    client, buyers = service.client, Buyers(tokens)
    category = f"laptop-{uuid4().hex[:8]}"
    vendors = [await add_vendor(client, tokens, f"PT Rahasia {uuid4().hex[:6]}") for _ in PRICES]
    # Listed before the opening: the eligible vendors are fixed when the competition opens.
    products = [await add_product(client, tokens, v["id"], category, 8_000_000) for v in vendors]
    request = await accepted_request(client, buyers, category)
    deadline = service.clock.now() + timedelta(days=2)
    competition = await opened_competition(client, buyers, request["id"], category, deadline)
    url = f"/competitions/{competition['id']}/offers"
    offers = []
    for i, price in PRICES.items():
        body, headers = offer(products[i]["id"], (price, price)), tokens.vendor(vendors[i]["id"])
        offers.append(ok(await client.post(url, json=body, headers=headers), 201))
    return buyers, vendors, offers, request, competition


def secrets_in(body, vendors, offers) -> list[str]:
    """Whatever of the offers (vendor names and users, offer ids, prices) the body reveals."""
    text = json.dumps(body).replace("_", "")
    found = [v["name"] for v in vendors if v["name"].replace("_", "") in text]
    found += [f"vendor-user-{v['id']}" for v in vendors if f"vendor-user-{v['id']}" in text]
    found += [o["id"].replace("_", "") for o in offers if o["id"].replace("_", "") in text]
    return found + [p for p in EVALUATED if p in text]


class TestLeaderboardBeforeTheDeadline:
    async def test_the_ppk_gets_the_count_only(self, service, tokens):
        buyers, vendors, offers, _, competition = await offers_made(service, tokens)
        url = f"/competitions/{competition['id']}/leaderboard"
        board = ok(await service.client.get(url, headers=buyers.ppk))
        assert board["sealed"] is True and board["ranking"] == []
        assert board["offer_count"] == 2
        assert "my_offer" not in board
        assert secrets_in(board, vendors, offers) == []

    async def test_the_count_leaves_out_a_withdrawn_offer(self, service, tokens):
        buyers, vendors, _, _, competition = await offers_made(service, tokens)
        cid = competition["id"]
        mine = f"/competitions/{cid}/offers/mine"
        ok(await service.client.delete(mine, headers=tokens.vendor(vendors[0]["id"])), 204)
        board = ok(await service.client.get(f"/competitions/{cid}/leaderboard", headers=buyers.ppk))
        assert board["offer_count"] == 1

    async def test_the_official_admin_and_auditor_get_the_count_only(self, service, tokens):
        buyers, vendors, offers, _, competition = await offers_made(service, tokens)
        url = f"/competitions/{competition['id']}/leaderboard"
        for headers in (buyers.official, tokens.admin(), tokens.auditor()):
            board = ok(await service.client.get(url, headers=headers))
            assert board["sealed"] is True and board["ranking"] == []
            assert board["offer_count"] == 2 and "my_offer" not in board
            assert [p for p in secrets_in(board, vendors, offers) if p in EVALUATED] == []

    async def test_a_vendor_still_sees_only_its_own_offer(self, service, tokens):
        _, vendors, offers, _, competition = await offers_made(service, tokens)
        url = f"/competitions/{competition['id']}/leaderboard"
        board = ok(await service.client.get(url, headers=tokens.vendor(vendors[0]["id"])))
        assert board["sealed"] is True and board["ranking"] == []
        assert board["my_offer"]["id"] == offers[0]["id"] and "offer_count" not in board


class TestAfterTheDeadline:
    async def test_the_buyers_admin_and_auditor_see_the_full_ranking(self, service, tokens):
        buyers, vendors, _, _, competition = await offers_made(service, tokens)
        service.clock.advance(days=2)
        url = f"/competitions/{competition['id']}/leaderboard"
        for headers in (buyers.ppk, buyers.official, tokens.admin(), tokens.auditor()):
            board = ok(await service.client.get(url, headers=headers))
            assert board["sealed"] is False and "offer_count" not in board
            assert [r["vendor_name"] for r in board["ranking"]] == [
                vendors[1]["name"],
                vendors[0]["name"],
            ]
            assert [r["vendor_id"] for r in board["ranking"]] == [
                vendors[1]["id"],
                vendors[0]["id"],
            ]
            assert [r["evaluated_price"] for r in board["ranking"]] == [78_500_000, 84_500_000]

    async def test_a_vendor_sees_ranks_names_and_prices_only(self, service, tokens):
        _, vendors, offers, _, competition = await offers_made(service, tokens)
        service.clock.advance(days=2)
        url = f"/competitions/{competition['id']}/leaderboard"
        board = ok(await service.client.get(url, headers=tokens.vendor(vendors[0]["id"])))
        assert board["sealed"] is False and board["my_offer"]["id"] == offers[0]["id"]
        assert [set(r) for r in board["ranking"]] == [
            {"rank", "vendor_name", "evaluated_price"}
        ] * 2


class TestOfficialsMayWatchLivePrices:
    """COMPETITION_OFFICIALS_SEE_LIVE_PRICES=true: the official of the work unit sees the
    ranking before the deadline; no one else does."""

    @pytest.fixture
    async def service(self, competition_settings):
        settings = competition_settings.model_copy(update={"officials_see_live_prices": True})
        clock = FixedClock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))
        async with running_app(create_app(settings, clock)) as client:
            yield CompetitionService(client, clock, settings)

    async def test_only_the_official_sees_the_ranking_live(self, service, tokens):
        buyers, vendors, _, _, competition = await offers_made(service, tokens)
        url = f"/competitions/{competition['id']}/leaderboard"
        board = ok(await service.client.get(url, headers=buyers.official))
        assert board["sealed"] is False
        assert [r["evaluated_price"] for r in board["ranking"]] == [78_500_000, 84_500_000]
        for headers in (buyers.ppk, tokens.admin(), tokens.auditor()):
            sealed = ok(await service.client.get(url, headers=headers))
            assert sealed["sealed"] is True and sealed["offer_count"] == 2
        mine = ok(await service.client.get(url, headers=tokens.vendor(vendors[0]["id"])))
        assert mine["sealed"] is True and mine["ranking"] == []

    async def test_the_setting_is_read_from_the_environment(self, monkeypatch):
        monkeypatch.setenv("COMPETITION_OFFICIALS_SEE_LIVE_PRICES", "true")
        assert CompetitionSettings().officials_see_live_prices is True
        monkeypatch.delenv("COMPETITION_OFFICIALS_SEE_LIVE_PRICES")
        assert CompetitionSettings().officials_see_live_prices is False


class TestOtherReadsBeforeTheDeadline:
    async def test_the_ppk_history_leaves_out_the_offers_until_the_deadline(self, service, tokens):
        buyers, vendors, offers, request, _ = await offers_made(service, tokens)
        url = f"/procurements/{request['id']}/history"
        history = ok(await service.client.get(url, headers=buyers.ppk))
        assert [
            h for h in history if h["aggregate"] == "offer" or h["actor_role"] == "vendor"
        ] == []
        assert {h["aggregate"] for h in history} == {"purchase_request", "competition"}
        assert secrets_in(history, vendors, offers) == []
        official = ok(await service.client.get(url, headers=buyers.official))
        assert {h["aggregate_id"] for h in official if h["aggregate"] == "offer"} == {
            o["id"] for o in offers
        }
        service.clock.advance(days=2)
        later = ok(await service.client.get(url, headers=buyers.ppk))
        assert [h["actor_id"] for h in later if h["aggregate"] == "offer"] == [
            f"vendor-user-{v['id']}" for v in vendors
        ]

    async def test_the_competition_and_the_request_reveal_no_offer(self, service, tokens):
        buyers, vendors, offers, request, competition = await offers_made(service, tokens)
        client = service.client
        seen = [
            ok(await client.get(f"/competitions/{competition['id']}", headers=buyers.ppk)),
            ok(await client.get("/competitions", headers=buyers.ppk)),
            ok(await client.get(f"/purchase-requests/{request['id']}", headers=buyers.ppk)),
            ok(await client.get("/purchase-requests", headers=buyers.ppk)),
        ]
        assert secrets_in(seen, vendors, offers) == []
