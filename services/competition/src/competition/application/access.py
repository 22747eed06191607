"""Who may see what: a purchase request, a competition, its sealed offers (pure rules)."""

from dataclasses import is_dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

from competition.application.ports import TurnHolder
from competition.domain.competition import Competition
from competition.domain.purchase_request import PurchaseRequest
from epurchasing_shared.contracts.common import Party
from epurchasing_shared.contracts.envelope import Actor
from epurchasing_shared.kernel.states import SYSTEM
from epurchasing_shared.principal import Principal, Role

SERVICE = "competition"
SYSTEM_ACTOR = Actor(id=SERVICE, role=SYSTEM)  # who the history names for the service itself


def party_of(principal: Principal) -> Party:
    return Party(id=principal.sub, name=principal.name, email=principal.email)


def turn_holder_of(principal: Principal) -> TurnHolder:
    """Whose turns are the caller's own ("my work"): a PPK's or official's by user id (or
    their work unit's, for a turn held by no one in particular); a vendor's by its vendor id.
    An admin or auditor holds no turn (nothing matches)."""
    if principal.role is Role.VENDOR and principal.vendor_id is not None:
        return TurnHolder(role=Role.VENDOR.value, actor_id=str(principal.vendor_id))
    return TurnHolder(
        role=str(principal.role), actor_id=principal.sub, work_unit=principal.work_unit
    )


def is_buyer_of(principal: Principal, work_unit: str) -> bool:
    """A PPK or official of the work unit that owns the procurement."""
    return (
        principal.role in (Role.PPK, Role.PROCUREMENT_OFFICIAL) and principal.work_unit == work_unit
    )


def may_see_request(principal: Principal, request: PurchaseRequest) -> bool:
    """PPK or official of the work unit, the official it is addressed to, admin, auditor."""
    if principal.reads_everything or is_buyer_of(principal, request.work_unit):
        return True
    addressed = request.official is not None and request.official.id == principal.sub
    return principal.role is Role.PROCUREMENT_OFFICIAL and addressed


def may_see_competition(principal: Principal, competition: Competition) -> bool:
    """Buyers of the work unit, admin, auditor, and the vendors eligible to offer."""
    if principal.reads_everything or is_buyer_of(principal, competition.work_unit):
        return True
    return principal.role is Role.VENDOR and principal.vendor_id in competition.eligible_vendor_ids


def sees_offers_before_deadline(principal: Principal, competition: Competition) -> bool:
    """Who may see the offers while they are sealed: the procurement official of the
    competition's work unit (api.md gives the leaderboard to the official, steps 10–11), and
    admin and auditor, who read everything (domain.md, "Actors and who does what"). Not the
    PPK: it learns who offered what once the deadline has passed."""
    if principal.reads_everything:
        return True
    return (
        principal.role is Role.PROCUREMENT_OFFICIAL and principal.work_unit == competition.work_unit
    )


def offers_sealed_for(principal: Principal, competition: Competition, now: datetime) -> bool:
    """Whether the competition's offers (vendors and prices) are still hidden from the caller."""
    if competition.offers_closed(now):
        return False
    return not sees_offers_before_deadline(principal, competition)


def prices_sealed_for(
    principal: Principal,
    competition: Competition,
    now: datetime,
    officials_see_live_prices: bool = False,
) -> bool:
    """Whether offer prices and the ranking are still hidden from the caller (sealed offers).

    Until the offer deadline no one sees another's price: the official, the admin and the
    auditor learn how many offers there are, as the PPK does; a vendor sees its own offer.
    A regency may let the official of the work unit watch the prices live
    (``COMPETITION_OFFICIALS_SEE_LIVE_PRICES``). After the deadline nothing is sealed."""
    if competition.offers_closed(now):
        return False
    live = officials_see_live_prices and principal.role is Role.PROCUREMENT_OFFICIAL
    return not (live and principal.work_unit == competition.work_unit)


def plain(value: Any) -> Any:
    """A response body as JSON values (as FastAPI would encode it), so that the idempotency
    record stores exactly what the first response said."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(v) for v in value]
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return plain(value.value)
    if is_dataclass(value) and not isinstance(value, type):
        return plain(vars(value))
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    return value
