"""``epurchasing-demo --late``: steps 1–19, then the PPK does nothing at step 20.

With the services on the fast calendar (``CALENDAR_SECONDS_PER_WORKING_DAY=5 make run``) the
PPK's 3 working days last 15 s; the demo shows, as ordering records them, the turn's due time,
the overdue turn (``ordering.step_overdue.v1``, written in the same transaction as the turn's
``overdue_at``), the automatic cancellation (``ppk_review_expired``), the purchase request back
to ``accepted`` in competition and the PPK's reminder e-mail. Everything is read over HTTP as
an auditor: the demo has no broker connection.
"""

import asyncio
from datetime import UTC, datetime
from typing import Any

from epurchasing_demo.client import DriverError
from epurchasing_demo.model import Run
from epurchasing_demo.steps_competition import competition_steps, request_steps, wait_until_accepted
from epurchasing_demo.steps_ordering import ORD, to_the_ppk

FAST_CALENDAR_HINT = "start the services with `CALENDAR_SECONDS_PER_WORKING_DAY=5 make run`"


class SlowCalendar(DriverError):
    """The PPK's turn is due too far ahead to wait for: the services run the real calendar."""


def _clock(at: str | datetime) -> str:
    moment = datetime.fromisoformat(at) if isinstance(at, str) else at
    return moment.astimezone().strftime("%H:%M:%S")


async def _until(what: str, timeout: float, probe: Any) -> Any:
    """Call ``probe()`` every 0.3 s until it returns something (not None)."""
    try:
        async with asyncio.timeout(timeout):
            while True:
                found = await probe()
                if found is not None:
                    return found
                await asyncio.sleep(0.3)
    except TimeoutError:
        raise DriverError(f"timed out after {timeout:.0f}s waiting for {what}") from None


async def late(run: Run, max_wait: float = 120.0) -> str:
    """Walk to step 19, let the PPK's turn expire and show what follows; the package id."""
    await request_steps(run)
    package = await competition_steps(run, with_offers=True)
    if package is None:
        raise DriverError("the competition failed: no package to send to the PPK")
    sent = await to_the_ppk(run, package)
    package_id, pid = str(sent["id"]), run.outcome.procurement_id
    turn = sent["turn"]
    wait = (datetime.fromisoformat(turn["due_at"]) - datetime.now(UTC)).total_seconds()
    if wait > max_wait:
        raise SlowCalendar(
            f"the PPK's turn is due {turn['due_at']}, {wait / 60:.0f} min away (real calendar): "
            f"{FAST_CALENDAR_HINT}, then run `make demo DEMO_ARGS=--late` again"
        )
    what = f"the PPK's turn (step 20) is due at {_clock(turn['due_at'])}, in {wait:.0f} s"
    run.record("20", "ppk", f"{what}; the PPK does nothing", sent["state"], ORD)

    auditor = run.cast.auditor_headers()

    async def flagged() -> dict[str, Any] | None:
        turns = await run.api.call(ORD, "GET", f"/procurements/{pid}/turns", headers=auditor)
        return next(
            (
                t
                for t in turns
                if t["aggregate_id"] == package_id and t["sop_step"] == "20" and t["overdue_at"]
            ),
            None,
        )

    overdue = await _until("the overdue scanner", wait + run.timeout, flagged)
    what = (
        f"ordering.step_overdue.v1: step 20 (ppk) due {_clock(overdue['due_at'])}, "
        f"flagged overdue at {_clock(overdue['overdue_at'])}"
    )
    run.record("20", "system", what, "awaiting_ppk", ORD)

    async def history_entry(match: Any) -> dict[str, Any] | None:
        history = await run.api.call(ORD, "GET", f"/procurements/{pid}/history", headers=auditor)
        return next((h for h in history if match(h)), None)

    async def expired() -> dict[str, Any] | None:
        return await history_entry(lambda h: h["action"] == "ppk_review_expired")

    cancelled = await _until("the automatic cancellation", run.timeout, expired)
    shown = await run.api.call(ORD, "GET", f"/packages/{package_id}", headers=auditor)
    run.record("20", "system", f"ppk_review_expired: {cancelled['reason']}", shown["state"], ORD)
    request = await wait_until_accepted(run, "the automatic cancellation")
    what = "the purchase request is back with the official for a new competition"
    run.record("20", "system", what, request["state"], "competition")

    async def reminder() -> dict[str, Any] | None:
        return await history_entry(
            lambda h: (
                h["action"].startswith("notification_")
                and "overdue_reminder" in (h["reason"] or "")
            )
        )

    try:
        mail = await _until("the reminder e-mail", run.timeout, reminder)
        run.record("20", "system", f"{mail['action']}: {mail['reason']}", shown["state"], ORD)
    except DriverError:
        what = "no reminder e-mail in ordering's history yet (is an SMTP server on :1025?)"
        run.record("20", "system", what, shown["state"], ORD)
    return package_id
