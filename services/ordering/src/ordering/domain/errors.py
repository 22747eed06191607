"""Domain errors: the API renders them as problem+json (403, 409, 422)."""

from collections.abc import Iterable


class DomainError(Exception):
    """Base of every rule the package or purchase order enforces."""


class ActionNotAllowed(DomainError):
    """The action is not allowed in the package's current state (409)."""

    def __init__(self, action: str, state: str, allowed: Iterable[str]) -> None:
        self.action = action
        self.state = state
        self.allowed = sorted(allowed)
        super().__init__(f"{action} is not allowed while the package is {state}")


class WrongActor(DomainError):
    """The caller's role may not take this action (403)."""

    def __init__(self, action: str, role: str, required: str) -> None:
        super().__init__(f"{action} is done by the {required}, not by a {role}")


class RuleBroken(DomainError):
    """Input that breaks a business rule (422); ``field`` names the offending input."""

    def __init__(self, message: str, field: str = "body") -> None:
        self.field = field
        super().__init__(message)
