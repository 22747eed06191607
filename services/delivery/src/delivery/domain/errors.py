"""The fulfilment's own refusals, as kinds of the kernel's (mapped to HTTP in one place).

Each carries its text in Bahasa Indonesia too (the SOP's words), shown on ``Accept-Language: id``.
"""

from epurchasing_shared.kernel.errors import ActionNotAllowed, RuleViolation

__all__ = ["ActionNotAllowed", "InvalidInput", "PaymentDoesNotAddUp", "ShippingOutOfOrder"]


class ShippingOutOfOrder(ActionNotAllowed):
    """A shipping entry that would make the history go backwards (a 409 naming the state)."""


class InvalidInput(RuleViolation):
    """Input the rules refuse whatever the state (a 422), naming the field."""

    def __init__(self, detail: str, field: str, detail_id: str | None = None) -> None:
        error = (field, detail, detail_id) if detail_id else (field, detail)
        super().__init__([error], detail=detail, detail_id=detail_id)
        self.field = field


class PaymentDoesNotAddUp(InvalidInput):
    """A payment amount that is not positive or exceeds what remains (a 422 on ``amount``)."""

    def __init__(self, detail: str, detail_id: str | None = None) -> None:
        super().__init__(detail, field="amount", detail_id=detail_id)
