"""Acceptance 5: an SMTP server that is down is a retried, visible failure, never a 500."""

import asyncio
from uuid import UUID


async def wait_until(condition, timeout: float = 15.0) -> None:
    for _ in range(int(timeout / 0.1)):
        if await condition():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("condition not met in time")


class TestVendorMailRetry:
    async def test_retries_with_backoff_and_delivers_once_the_server_is_up(
        self, ordering_harness, exchange_spy, make_package_event
    ):
        event = make_package_event()
        package_id = UUID(event.data["package_id"])
        recipient = event.data["vendor"]["email"]
        async with ordering_harness(smtp_up=False) as h:
            await h.publish(event)
            await h.wait_for_package(package_id)
            processed = await h.client.post(
                f"/packages/{package_id}/process", headers=h.tokens.official()
            )
            assert processed.status_code == 200
            assert processed.json()["state"] == "processing"

            async def failed_once() -> bool:
                actions = [e["action"] for e in await h.history(event.procurementid)]
                return "vendor_email_failed" in actions

            await wait_until(failed_once)
            await asyncio.sleep(0.5)  # the back-off holds: no second attempt yet
            view = (
                await h.client.get(f"/packages/{package_id}", headers=h.tokens.official())
            ).json()
            assert view["state"] == "processing"
            assert view["vendor_email"]["status"] == "pending"
            assert view["vendor_email"]["attempts"] == 1
            assert view["vendor_email"]["last_error"]

            h.catcher.start()
            h.clock.advance(seconds=61)
            notified = await exchange_spy.wait_for(
                "ordering.vendor_notified.v1", lambda e: e.data["package_id"] == str(package_id)
            )
            await asyncio.sleep(0.5)
            history = await h.history(event.procurementid)
        assert notified.data["attempts"] == 2
        assert len(h.catcher.to(recipient)) == 1
        mail_entries = [e for e in history if e["sop_step"] == "15"]
        assert [e["action"] for e in mail_entries] == ["vendor_email_failed", "vendor_email_sent"]
        assert "next attempt at" in mail_entries[0]["reason"]
