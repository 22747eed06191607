"""Rule 24a seen from delivery: an addendum only before the BAST.

Ordering learns of the BAST only from ``delivery.goods_handed_over.v1``, so it may accept an
addendum committed after the handover; delivery is where both times are known and refuses it.
The times come from two services' clocks (ordering's CloudEvent ``time``, delivery's handover
time), so the rule relies on those clocks agreeing (both are UTC, NTP-synchronised servers).
"""

from datetime import datetime


def addendum_after_bast_reason(
    version: int, committed_at: datetime, handed_over_at: datetime | None
) -> str | None:
    """Why an addendum may not be followed because of the BAST, or None when it may.

    ``committed_at`` is when ordering committed the addendum (the event's ``time``),
    ``handed_over_at`` when delivery recorded the BAST (None: not handed over yet). An
    addendum at the very instant of the BAST is not *before* it, so it is refused too.
    """
    if handed_over_at is None or committed_at < handed_over_at:
        return None
    when = "at the same time as" if committed_at == handed_over_at else "after"
    return (
        f"addendum v{version} committed at {committed_at.isoformat()} "
        f"{when} the BAST recorded at {handed_over_at.isoformat()}"
    )
