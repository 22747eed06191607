"""Consumers of the competition service: the blacklist copy, cancelled and completed packages.

Each handler runs in the consumer's unit of work (the inbox row commits with its effect) and
calls one application function."""

from collections.abc import Callable

from competition.application import fulfilment as use
from competition.application.ports import CompetitionUnitOfWork
from epurchasing_shared.contracts.delivery import PackageCompleted
from epurchasing_shared.contracts.envelope import CloudEvent, EventPayload
from epurchasing_shared.contracts.ordering import PackageCancelled
from epurchasing_shared.contracts.rating import VendorBlacklisted, VendorBlacklistLifted
from epurchasing_shared.kernel.unit_of_work import Caller
from epurchasing_shared.messaging.consumer import ConsumerSpec

SERVICE = "competition"


async def on_vendor_blacklisted(
    uow: CompetitionUnitOfWork, event: CloudEvent, payload: EventPayload
) -> None:
    assert isinstance(payload, VendorBlacklisted)
    await use.record_blacklisting(uow, payload)


async def on_blacklist_lifted(
    uow: CompetitionUnitOfWork, event: CloudEvent, payload: EventPayload
) -> None:
    assert isinstance(payload, VendorBlacklistLifted)
    await use.record_lift(uow, payload)


async def on_package_cancelled(
    uow: CompetitionUnitOfWork, event: CloudEvent, payload: EventPayload
) -> None:
    """Step 20b: the PPK rejected the package; the request may be competed again."""
    assert isinstance(payload, PackageCancelled)
    await use.reopen_after_cancellation(uow, event, payload)


async def on_package_completed(
    uow: CompetitionUnitOfWork, event: CloudEvent, payload: EventPayload
) -> None:
    """Step 27: delivery completed the package; the purchase request is fulfilled."""
    assert isinstance(payload, PackageCompleted)
    await use.fulfil_request(uow, event, payload)


def consumer_specs(unit_of_work: Callable[[Caller], CompetitionUnitOfWork]) -> list[ConsumerSpec]:
    """The service's consumers on a unit of work factory (SQL in the app, in-memory in tests)."""
    return [
        ConsumerSpec(
            SERVICE,
            "on_blacklist",
            {
                VendorBlacklisted.event_type: on_vendor_blacklisted,
                VendorBlacklistLifted.event_type: on_blacklist_lifted,
            },
            unit_of_work,
        ),
        ConsumerSpec(
            SERVICE,
            "on_package_cancelled",
            {PackageCancelled.event_type: on_package_cancelled},
            unit_of_work,
        ),
        ConsumerSpec(
            SERVICE,
            "on_package_completed",
            {PackageCompleted.event_type: on_package_completed},
            unit_of_work,
        ),
    ]
