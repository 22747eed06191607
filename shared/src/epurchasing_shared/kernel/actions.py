"""The one frame of an actor's action, for every service: replay, load, If-Match, act, remember.

``perform`` runs an action on an existing aggregate; ``create`` one that makes a new one. Both
run in one unit of work, so the change, its events, its history and the remembered response
commit together or not at all; a retry with the same ``Idempotency-Key`` gets the first
outcome and changes nothing.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from epurchasing_shared.kernel.errors import check_version
from epurchasing_shared.kernel.unit_of_work import Caller, IdempotencyKey, Outcome, UnitOfWork


class Versioned(Protocol):
    @property
    def version(self) -> int: ...


U = TypeVar("U", bound=UnitOfWork)
A = TypeVar("A", bound=Versioned)


@dataclass(frozen=True)
class ActionRequest:
    """Who asks (the caller), with the HTTP conventions' headers as plain values."""

    caller: Caller
    if_match: int | None = None
    idempotency: IdempotencyKey | None = None


async def perform(
    unit_of_work: Callable[[Caller], U],
    request: ActionRequest,
    load: Callable[[U], Awaitable[A]],
    act: Callable[[U, A], Awaitable[Outcome]],
) -> Outcome:
    """Load the caller's aggregate (``load`` raises NotFound for what the caller may not
    see, and locks it), refuse a stale ``If-Match``, ``act`` on it, remember the outcome."""
    async with unit_of_work(request.caller) as uow:
        replayed = await uow.replay(request.idempotency)
        if replayed is not None:
            return replayed
        aggregate = await load(uow)
        check_version(request.if_match, aggregate.version)
        outcome = await act(uow, aggregate)
        await uow.remember(request.idempotency, outcome)
    return outcome


async def create(
    unit_of_work: Callable[[Caller], U],
    request: ActionRequest,
    act: Callable[[U], Awaitable[Outcome]],
) -> Outcome:
    """Run a creating action once per ``Idempotency-Key``."""
    async with unit_of_work(request.caller) as uow:
        replayed = await uow.replay(request.idempotency)
        if replayed is not None:
            return replayed
        outcome = await act(uow)
        await uow.remember(request.idempotency, outcome)
    return outcome
