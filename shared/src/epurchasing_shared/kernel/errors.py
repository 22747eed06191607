"""The refusals a domain rule or a use case raises (pure, no I/O, no HTTP).

Each kind means one thing to a caller; :mod:`epurchasing_shared.http.problems` maps them to
problem+json in one place (the status is given beside each class).
"""

from collections.abc import Iterable, Sequence


class Refused(Exception):
    """Base of every refusal a caller can be told about; ``detail_id`` is the same in Bahasa
    Indonesia (the SOP's words), shown to a caller who asks for ``Accept-Language: id``."""

    def __init__(self, detail: str, detail_id: str | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.detail_id = detail_id


class DomainError(Refused):
    """A rule of the domain refuses (base of the domain's own refusals)."""


class RuleViolation(DomainError):
    """Input that breaks a rule whatever the state (422), one message per field."""

    def __init__(
        self,
        errors: Sequence[tuple[str, str] | tuple[str, str, str]],
        detail: str | None = None,
        detail_id: str | None = None,
    ) -> None:
        """``errors``: ``(field, message)`` or ``(field, message, message in Indonesian)``."""
        self.errors: list[dict[str, str]] = []
        for field, message, *indonesian in errors:
            found = {"field": field, "message": message}
            if indonesian:
                found["message_id"] = indonesian[0]
            self.errors.append(found)
        joined = "; ".join(f"{e['field']}: {e['message']}" for e in self.errors)
        super().__init__(detail or joined, detail_id)

    @classmethod
    def one(cls, field: str, message: str, message_id: str | None = None) -> "RuleViolation":
        if message_id is None:
            return cls([(field, message)], detail=message)
        return cls([(field, message, message_id)], detail=message, detail_id=message_id)


class ActionNotAllowed(DomainError):
    """The action is not allowed in the aggregate's current state (409)."""

    def __init__(
        self,
        action: str,
        current_state: str,
        allowed_actions: Iterable[str],
        detail: str | None = None,
        detail_id: str | None = None,
    ) -> None:
        super().__init__(
            detail or f"{action} is not allowed in the {current_state!r} state",
            detail_id or f"tindakan {action} tidak diperbolehkan pada status {current_state}",
        )
        self.action = action
        self.current_state = current_state
        self.allowed_actions = sorted(allowed_actions)


class RoleNotAllowed(DomainError):
    """The acting role may not take this action (403)."""


class Forbidden(Refused):
    """The caller may not do this, for a reason other than its role (403), e.g. a barred
    vendor."""


class NotFound(Refused):
    """Not found, or not the caller's (404): others' objects are never revealed."""


class StaleVersion(Refused):
    """``If-Match`` named a version the resource has moved past (412)."""

    def __init__(self, expected: int, actual: int, what: str = "the resource") -> None:
        super().__init__(
            f"{what} is at version {actual}, not {expected}",
            f"data sudah berubah (versi {actual}, bukan {expected}); muat ulang lalu coba lagi",
        )
        self.expected = expected
        self.actual = actual


class Conflict(Refused):
    """The request conflicts with what exists, not with a state (409), e.g. a duplicate."""


class TooLarge(Refused):
    """The input is larger than allowed (413)."""


class PermanentEventError(Exception):
    """A consumed event that can never be applied: dead-letter it without retrying."""


def check_version(expected: int | None, actual: int, what: str = "the resource") -> None:
    """Refuse a stale ``If-Match`` (no one overwrites changes they have not seen)."""
    if expected is not None and expected != actual:
        raise StaleVersion(expected, actual, what)
