"""Domain errors: the API turns them into problem+json (409, 422, 403)."""

from collections.abc import Iterable, Sequence


class DomainError(Exception):
    """Base of every rule the domain refuses."""


class ActionNotAllowed(DomainError):
    """The action is not allowed in the aggregate's current state (409)."""

    def __init__(
        self,
        action: str,
        current_state: str,
        allowed_actions: Iterable[str],
        detail: str | None = None,
    ) -> None:
        super().__init__(detail or f"{action} is not allowed in the {current_state!r} state")
        self.action = action
        self.current_state = current_state
        self.allowed_actions = sorted(allowed_actions)


class RoleNotAllowed(DomainError):
    """The acting role may not take this action (403)."""


class RuleViolation(DomainError):
    """Input breaks a business rule (422), with field-level errors."""

    def __init__(self, errors: Sequence[tuple[str, str]]) -> None:
        self.errors = [{"field": field, "message": message} for field, message in errors]
        super().__init__("; ".join(f"{f}: {m}" for f, m in errors))

    @classmethod
    def one(cls, field: str, message: str) -> "RuleViolation":
        return cls([(field, message)])


class VendorBarred(DomainError):
    """A blacklisted vendor tries to take part (refused with 403, see api/errors.py)."""
