"""Domain errors: the API maps them to 409 / 422 problems."""

from collections.abc import Iterable


class DomainError(Exception):
    """Base of every rule the domain refuses."""


class ActionNotAllowed(DomainError):
    """The action is not allowed in the aggregate's current state (a 409)."""

    def __init__(self, action: str, current_state: str, allowed_actions: Iterable[str]) -> None:
        super().__init__(f"{action} is not allowed in state {current_state}")
        self.action = action
        self.current_state = current_state
        self.allowed_actions = sorted(allowed_actions)


class InvalidInput(DomainError):
    """Input the rules refuse, with one message per field (a 422)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors))
        self.errors = errors
