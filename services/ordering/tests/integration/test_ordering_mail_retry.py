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


class Crash(BaseException):
    """The process dies right after the SMTP server accepted the message."""


class CrashAfterAcceptance:
    def __init__(self, mailer) -> None:
        self.mailer = mailer

    async def send(self, mail):
        await self.mailer.send(mail)  # the real server accepts it
        raise Crash


class TestVendorMailAtMostOnce:
    async def test_a_crash_between_acceptance_and_commit_does_not_send_twice(
        self, ordering_harness, exchange_spy, make_package_event
    ):
        """The kill drill's window, on the real database and SMTP server: the restarted
        sender finds the e-mail ``sending``, does not send it again, flags it."""
        from epurchasing_shared.mail.smtp import SmtpMailer
        from ordering.adapters.unit_of_work import SERVICE, SqlOrderingUnitOfWork
        from ordering.application.notify_vendor import deliver_one

        event = make_package_event()
        package_id = UUID(event.data["package_id"])
        recipient = event.data["vendor"]["email"]
        # the app runs no sender of its own (it would be woken by the queued e-mail's NOTIFY):
        # this test drives the sender by hand
        async with ordering_harness(mail_sender_enabled=False) as h:
            await h.publish(event)
            await h.wait_for_package(package_id)
            processed = await h.client.post(
                f"/packages/{package_id}/process", headers=h.tokens.official()
            )
            assert processed.status_code == 200
            uow = SqlOrderingUnitOfWork.factory(h.app.state.runtime, SERVICE)
            policy = h.settings.mail_policy()
            mailer = SmtpMailer(h.settings)
            try:
                await deliver_one(uow, CrashAfterAcceptance(mailer), policy)
            except Crash:
                pass
            else:
                raise AssertionError("the crash did not happen")
            assert len(h.catcher.to(recipient)) == 1

            async def drain() -> dict:
                """The restarted sender does what is due (the database is shared with other
                tests: their e-mails may be due too); then our package's view."""
                for _ in range(100):
                    if not await deliver_one(uow, mailer, policy):
                        break
                url = f"/packages/{package_id}"
                return (await h.client.get(url, headers=h.tokens.official())).json()

            assert (await drain())["vendor_email"]["status"] == "sending"  # the lease runs
            h.clock.advance(seconds=policy.claim_seconds + 1)
            await drain()  # flagged, not re-sent
            h.clock.advance(seconds=86_400)
            view = await drain()
            history = await h.history(event.procurementid)
            received = h.catcher.to(recipient)
        assert len(received) == 1
        assert received[0]["Message-ID"] == view["vendor_email"]["message_id"]
        assert view["vendor_email"]["status"] == "unconfirmed"
        mail_entries = [e["action"] for e in history if e["sop_step"] == "15"]
        assert mail_entries == ["vendor_email_unconfirmed"]
        assert not [
            e
            for e in exchange_spy.of_type("ordering.vendor_notified.v1")
            if e.data["package_id"] == str(package_id)
        ]
