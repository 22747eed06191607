"""What the routers hand to the use cases: the unit of work factory and the rules, built from
the service's runtime (the composition root's)."""

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request

from epurchasing_shared.kernel.unit_of_work import Caller
from epurchasing_shared.service import get_runtime
from ordering.adapters.unit_of_work import SERVICE, SqlOrderingUnitOfWork
from ordering.application.ports import OrderingRules, OrderingUnitOfWork
from ordering.settings import OrderingSettings


@dataclass(frozen=True)
class Wiring:
    unit_of_work: Callable[[Caller], OrderingUnitOfWork]
    rules: OrderingRules
    max_document_bytes: int


async def wiring(request: Request) -> Wiring:
    runtime = get_runtime(request)
    settings = runtime.settings
    assert isinstance(settings, OrderingSettings)
    return Wiring(
        SqlOrderingUnitOfWork.factory(runtime, SERVICE),
        settings.rules(),
        settings.max_document_bytes,
    )
