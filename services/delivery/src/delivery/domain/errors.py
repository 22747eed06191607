"""Domain errors of the fulfilment: the API turns them into 409 / 422 problems."""


class DomainError(Exception):
    """Base of every rule the fulfilment refuses."""


class ActionNotAllowed(DomainError):
    """The action is not allowed in the fulfilment's current state (an HTTP 409)."""

    def __init__(self, action: str, current_state: str, allowed_actions: list[str]) -> None:
        super().__init__(f"{action} is not allowed while the fulfilment is {current_state}")
        self.action = action
        self.current_state = current_state
        self.allowed_actions = allowed_actions


class ShippingOutOfOrder(ActionNotAllowed):
    """A shipping entry that would make the history go backwards (an HTTP 409)."""

    def __init__(
        self, detail: str, action: str, current_state: str, allowed_actions: list[str]
    ) -> None:
        super().__init__(action, current_state, allowed_actions)
        self.args = (detail,)


class InvalidInput(DomainError):
    """Input the rules refuse whatever the state (an HTTP 422), naming the field."""

    def __init__(self, detail: str, field: str) -> None:
        super().__init__(detail)
        self.field = field


class PaymentDoesNotAddUp(InvalidInput):
    """A payment amount that is not positive or exceeds what remains (an HTTP 422)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, field="amount")
