"""Whether a text is exactly one e-mail address (``email-validator``, no DNS lookup).

Addresses reach the mail outbox from token claims and from events (``Party.email``), which
hold whatever an identity provider or a producer put there: ``"a@x.id, b@y.id"`` would mail
both, a line break would break the message's headers. Such a value is treated as no address
(the e-mail fails once, visibly) rather than sent."""

from email_validator import EmailNotValidError, validate_email


def one_address(value: str | None) -> str | None:
    """``value`` if it is a single valid address, else None."""
    if not value:
        return None
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return None
    return value
