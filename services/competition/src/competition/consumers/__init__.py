"""Consumers of the competition service: the blacklist copy, cancelled and completed packages."""

from sqlalchemy.ext.asyncio import AsyncSession

from competition.adapters import procurement_repository as repo
from competition.application.blacklist import record_blacklisting, record_lift
from competition.application.fulfilment import CompletionRefused, fulfil_request
from competition.application.results import reopen_request
from epurchasing_shared.contracts.delivery import PackageCompleted
from epurchasing_shared.contracts.envelope import Actor, CloudEvent, EventPayload
from epurchasing_shared.contracts.ordering import PackageCancelled
from epurchasing_shared.contracts.rating import VendorBlacklisted, VendorBlacklistLifted
from epurchasing_shared.messaging.consumer import ConsumerSpec, PermanentEventError
from epurchasing_shared.service import Runtime


async def on_vendor_blacklisted(
    session: AsyncSession, event: CloudEvent, payload: EventPayload
) -> None:
    assert isinstance(payload, VendorBlacklisted)
    await record_blacklisting(session, payload)


async def on_blacklist_lifted(
    session: AsyncSession, event: CloudEvent, payload: EventPayload
) -> None:
    assert isinstance(payload, VendorBlacklistLifted)
    await record_lift(session, payload)


def package_cancelled_handler(runtime: Runtime):
    """Step 20b: the PPK rejected the package; the request may be competed again."""

    async def on_package_cancelled(
        session: AsyncSession, event: CloudEvent, payload: EventPayload
    ) -> None:
        assert isinstance(payload, PackageCancelled)
        competition = await repo.load_competition(session, payload.competition_id)
        if competition is None or competition.package_id != payload.package_id:
            raise PermanentEventError(f"no package {payload.package_id} of this service")
        if competition.purchase_request_id != payload.purchase_request_id:
            raise PermanentEventError("the package belongs to another purchase request")
        actor = (
            Actor(id=event.actorid, role=event.actorrole)
            if event.actorid and event.actorrole
            else None
        )
        # Not competing any more (an older event redelivered): nothing left to do.
        await reopen_request(
            runtime,
            session,
            payload.purchase_request_id,
            f"package {payload.package_id} cancelled: {payload.reason}",
            "20",
            None,
            actor,
        )

    return on_package_cancelled


def package_completed_handler(runtime: Runtime):
    """Step 27: delivery completed the package; the purchase request is fulfilled."""

    async def on_package_completed(
        session: AsyncSession, event: CloudEvent, payload: EventPayload
    ) -> None:
        assert isinstance(payload, PackageCompleted)
        try:
            await fulfil_request(runtime, session, event, payload)
        except CompletionRefused as error:
            raise PermanentEventError(str(error)) from error

    return on_package_completed


def consumers(runtime: Runtime) -> list[ConsumerSpec]:
    return [
        ConsumerSpec(
            "competition",
            "on_blacklist",
            {
                VendorBlacklisted.event_type: on_vendor_blacklisted,
                VendorBlacklistLifted.event_type: on_blacklist_lifted,
            },
        ),
        ConsumerSpec(
            "competition",
            "on_package_cancelled",
            {PackageCancelled.event_type: package_cancelled_handler(runtime)},
        ),
        ConsumerSpec(
            "competition",
            "on_package_completed",
            {PackageCompleted.event_type: package_completed_handler(runtime)},
        ),
    ]
