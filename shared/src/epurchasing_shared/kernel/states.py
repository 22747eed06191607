"""One state machine, as data: which action moves an aggregate from which states to which.

A :class:`Transition` names the action, the states it leaves from, the state(s) it goes to,
the actor role(s) that take it, the SOP step, and the step's time standard. Aggregates ask
their :class:`StateMachine` for the :class:`Change` an action makes and return it; the
history's SOP step and the API's ``allowed_actions`` come from the same table, never from a
literal in application code. Pure: no I/O.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from uuid import UUID

from epurchasing_shared.kernel.errors import ActionNotAllowed, RoleNotAllowed

SYSTEM = "system"  # the service acting by itself (a consumer, a deadline), never a token role


@dataclass(frozen=True)
class TimeStandard:
    """The SOP's *Waktu* for the step that follows a transition: after it, it is ``actor``'s
    turn (a role) for SOP step ``step``, due in ``working_days`` working days.

    ``TimeStandard(working_days=1, actor="procurement_official", step="4")`` on the row of
    ``submit`` says: once submitted, the procurement official has one working day to do step 4.
    ``step`` defaults to the transition's own SOP step when left out.
    """

    working_days: int
    actor: str
    step: str | None = None

    def __post_init__(self) -> None:
        if self.working_days < 1:
            raise ValueError(f"a turn lasts at least one working day, not {self.working_days}")


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    # The first target is the usual one; where the rules choose among several (an evaluation,
    # the last shipping entry), the aggregate names its choice. Empty: the state stays.
    targets: tuple[str, ...]
    sop_step: str
    roles: frozenset[str]
    time_standard: TimeStandard | None = None

    @property
    def target(self) -> str | None:
        return self.targets[0] if self.targets else None


@dataclass(frozen=True)
class Change:
    """One transition taken: what the history records and the outbox event's SOP step."""

    action: str
    from_state: str | None
    to_state: str
    sop_step: str
    reason: str | None = None
    # The turn this change hands over (who acts next, for which step, how soon); None: no
    # one's turn afterwards (the open turn, if any, just ends).
    time_standard: TimeStandard | None = None


@dataclass(frozen=True)
class Turn:
    """One actor's turn on one aggregate: opened when a change hands the procurement over,
    done when the next change of that aggregate is recorded. Pure value (no I/O)."""

    aggregate: str
    aggregate_id: UUID
    procurement_id: UUID
    sop_step: str
    actor_role: str
    started_at: datetime
    due_at: datetime
    working_days: int
    actor_id: str | None = None
    work_unit: str | None = None
    done_at: datetime | None = None
    overdue_at: datetime | None = None  # when the scanner flagged it (the event was recorded)
    done_by: str | None = None  # who took the action that ended it
    done_action: str | None = None
    opened_by_action: str | None = None
    id: UUID | None = None

    @property
    def is_open(self) -> bool:
        return self.done_at is None

    def overdue(self, now: datetime) -> bool:
        """Late at ``now``: still open after the due time, or done after it."""
        end = self.done_at if self.done_at is not None else now
        return end > self.due_at

    def late_by(self, now: datetime | None = None) -> timedelta:
        """How late (zero when not): done time (or ``now`` while open) minus the due time."""
        end = self.done_at if self.done_at is not None else now
        if end is None:
            raise ValueError("an open turn's lateness needs the time now")
        return max(end - self.due_at, timedelta(0))


def with_time_standard(change: Change, standard: TimeStandard | None) -> Change:
    """``change`` handing over the turn ``standard`` describes (for hand-built changes)."""
    return replace(change, time_standard=standard)


def transition(
    action: str,
    sources: Iterable[str],
    targets: str | Iterable[str] | None,
    step: str,
    *roles: str,
    time_standard: TimeStandard | None = None,
) -> Transition:
    """One row of a transition table: ``transition("accept", {SUBMITTED}, ACCEPTED, "4",
    "procurement_official")``; ``targets=None`` keeps the state."""
    if targets is None:
        found: tuple[str, ...] = ()
    elif isinstance(targets, str):
        found = (targets,)
    else:
        found = tuple(targets)
    return Transition(
        action=action,
        sources=frozenset(str(s) for s in sources),
        targets=tuple(str(t) for t in found),
        sop_step=step,
        roles=frozenset(roles),
        time_standard=time_standard,
    )


class StateMachine:
    """The transitions of one aggregate, asked what is allowed and what an action changes."""

    def __init__(self, aggregate: str, transitions: Iterable[Transition]) -> None:
        self.aggregate = aggregate
        self.transitions: dict[str, Transition] = {}
        for row in transitions:
            if row.action in self.transitions:
                raise ValueError(f"{aggregate}: two transitions named {row.action}")
            self.transitions[row.action] = row

    def __getitem__(self, action: str) -> Transition:
        return self.transitions[action]

    def allowed_actions(self, state: str, role: str | None = None) -> list[str]:
        """Actions possible in ``state`` (only ``role``'s when given), sorted for stable
        responses: what a front end shows as buttons."""
        return sorted(
            t.action
            for t in self.transitions.values()
            if str(state) in t.sources and (role is None or str(role) in t.roles)
        )

    def check(self, action: str, state: str, role: str | None = None) -> Transition:
        """The transition of ``action``: RoleNotAllowed when ``role`` (if given) may not take
        it, ActionNotAllowed when ``state`` does not allow it."""
        found = self.transitions[action]
        if role is not None and str(role) not in found.roles:
            who = " or ".join(sorted(found.roles))
            raise RoleNotAllowed(f"{self.aggregate} {action} is done by the {who}, not a {role}")
        if str(state) not in found.sources:
            raise ActionNotAllowed(
                action,
                str(state),
                self.allowed_actions(state, role),
                detail=f"{action} is not allowed while the {self.aggregate} is {state}",
            )
        return found

    def change(
        self,
        action: str,
        state: str,
        role: str | None = None,
        *,
        to: str | None = None,
        reason: str | None = None,
    ) -> Change:
        """The :class:`Change` ``action`` makes from ``state``; ``to`` picks among several
        targets (a programming error if it is not one of them)."""
        found = self.check(action, state, role)
        if to is None:
            target = found.target or str(state)
        elif str(to) in found.targets:
            target = str(to)
        else:
            raise ValueError(f"{self.aggregate} {action} cannot lead to {to}")
        return Change(action, str(state), target, found.sop_step, reason, found.time_standard)

    def initial(self, action: str, state: str, *, reason: str | None = None) -> Change:
        """The :class:`Change` of a creating row (``action``) that puts a new aggregate in
        ``state``: no state before, the row's SOP step and time standard."""
        found = self.transitions[action]
        return Change(action, None, str(state), found.sop_step, reason, found.time_standard)
