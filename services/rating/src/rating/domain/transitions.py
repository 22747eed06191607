"""State machines as data: each action names its from-states, to-state, SOP step and role."""

from dataclasses import dataclass

from rating.domain.errors import ActionNotAllowed


@dataclass(frozen=True)
class Transition:
    action: str
    from_states: frozenset[str]
    to_state: str
    sop_step: str | None
    role: str | None  # None: the system acts (e.g. on an incoming event)


class StateMachine:
    """The transitions of one aggregate, asked for what is allowed and checked before acting."""

    def __init__(self, aggregate: str, *transitions: Transition) -> None:
        self.aggregate = aggregate
        self.transitions = {t.action: t for t in transitions}

    def allowed_actions(self, state: str, role: str | None) -> list[str]:
        """Actions the given role may take from ``state`` (sorted, for stable responses)."""
        return sorted(
            t.action for t in self.transitions.values() if state in t.from_states and t.role == role
        )

    def check(self, action: str, state: str, role: str | None) -> Transition:
        """The transition of ``action``; ActionNotAllowed if ``state`` does not permit it."""
        transition = self.transitions[action]
        if state not in transition.from_states:
            raise ActionNotAllowed(
                f"{self.aggregate} {action}",
                state,
                self.allowed_actions(state, role),
            )
        return transition
