"""A state machine as data: which action moves an aggregate from which states to which.

The API reports the same table back (``allowed_actions`` in GET responses and 409s), so the
front end's buttons and the server's rules never disagree.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from competition.domain.errors import ActionNotAllowed, RoleNotAllowed

SYSTEM = "system"  # the service acting by itself (a consumer, an evaluation outcome)


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    targets: tuple[str, ...]  # first is the usual target; evaluation chooses among several
    sop_step: str
    roles: frozenset[str]

    @property
    def target(self) -> str:
        return self.targets[0]


def transition(
    action: str, sources: Iterable[str], targets: str | tuple[str, ...], step: str, *roles: str
) -> Transition:
    """Shorthand for one row of a transition table."""
    found = (targets,) if isinstance(targets, str) else targets
    return Transition(action, frozenset(sources), found, step, frozenset(roles))


class StateMachine:
    def __init__(self, transitions: Iterable[Transition]) -> None:
        self.transitions = {t.action: t for t in transitions}

    def allowed_actions(self, state: str, role: str) -> list[str]:
        """Actions this role may take in this state (before any further guard)."""
        return sorted(
            t.action for t in self.transitions.values() if state in t.sources and role in t.roles
        )

    def check(self, action: str, state: str, role: str) -> Transition:
        """The transition of ``action``; raises when the role or the state forbids it."""
        found = self.transitions[action]
        if role not in found.roles:
            raise RoleNotAllowed(f"a {role} may not {action}")
        if state not in found.sources:
            raise ActionNotAllowed(action, state, self.allowed_actions(state, role))
        return found

    def target(self, action: str, state: str, role: str, chosen: str | None = None) -> str:
        """The state after ``action``; ``chosen`` picks among several allowed targets."""
        found = self.check(action, state, role)
        if chosen is None:
            return found.target
        if chosen not in found.targets:
            raise ValueError(f"{action} cannot lead to {chosen}")
        return chosen
