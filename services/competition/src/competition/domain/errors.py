"""The competition domain's refusals: the kernel's (mapped to HTTP in one place, shared)."""

from epurchasing_shared.kernel.errors import (
    ActionNotAllowed,
    DomainError,
    Forbidden,
    RoleNotAllowed,
    RuleViolation,
)

__all__ = ["ActionNotAllowed", "DomainError", "RoleNotAllowed", "RuleViolation", "VendorBarred"]


class VendorBarred(Forbidden):
    """A blacklisted vendor tries to take part (403)."""
