"""The fulfilment's own refusals, as kinds of the kernel's (mapped to HTTP in one place)."""

from epurchasing_shared.kernel.errors import ActionNotAllowed, RuleViolation

__all__ = ["ActionNotAllowed", "InvalidInput", "PaymentDoesNotAddUp", "ShippingOutOfOrder"]


class ShippingOutOfOrder(ActionNotAllowed):
    """A shipping entry that would make the history go backwards (a 409 naming the state)."""


class InvalidInput(RuleViolation):
    """Input the rules refuse whatever the state (a 422), naming the field."""

    def __init__(self, detail: str, field: str) -> None:
        super().__init__([(field, detail)], detail=detail)
        self.field = field


class PaymentDoesNotAddUp(InvalidInput):
    """A payment amount that is not positive or exceeds what remains (a 422 on ``amount``)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, field="amount")
