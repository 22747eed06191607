"""Who may see which rating, and what the caller may do with it.

Rated ratings (with their comment and reply) are visible to every authenticated caller; a
pending one only to its own PPK and to admins and auditors (it is that PPK's to-do).
"""

from epurchasing_shared.kernel.errors import RoleNotAllowed
from epurchasing_shared.kernel.states import StateMachine, Turn
from epurchasing_shared.principal import Principal, Role
from rating.domain.rating import PENDING, RATING_MACHINE, Rating


def may_see(rating: Rating, principal: Principal) -> bool:
    return (
        rating.state != PENDING
        or principal.reads_everything
        or (principal.role is Role.PPK and rating.package.ppk_id == principal.sub)
    )


def is_own(rating: Rating, principal: Principal) -> bool:
    """The package's own PPK, or its rated vendor: the only callers who act on a rating."""
    if principal.role is Role.PPK:
        return rating.package.ppk_id == principal.sub
    if principal.role is Role.VENDOR:
        return rating.package.vendor_id == principal.vendor_id
    return False


def turn_holder(principal: Principal) -> str | None:
    """The actor id a turn names when it is ``principal``'s: a vendor's id for any user of the
    vendor, the user id otherwise."""
    if principal.role is Role.VENDOR:
        return str(principal.vendor_id) if principal.vendor_id is not None else None
    return principal.sub


def is_my_turn(turn: Turn | None, principal: Principal) -> bool:
    """``turn=mine``: an open turn of the caller's role named to the caller (its user id, or
    its vendor id), or named to no one in the caller's work unit (a PPK's or official's)."""
    if turn is None or not turn.is_open or turn.actor_role != principal.role.value:
        return False
    holder = turn_holder(principal)
    if turn.actor_id is not None:
        return holder is not None and turn.actor_id == holder
    return (
        principal.role in (Role.PPK, Role.PROCUREMENT_OFFICIAL)
        and principal.work_unit is not None
        and turn.work_unit == principal.work_unit
    )


def allowed_actions(rating: Rating, principal: Principal) -> list[str]:
    """What this caller may do next: only the package's PPK rates, only its vendor replies."""
    if not is_own(rating, principal):
        return []
    return RATING_MACHINE.allowed_actions(rating.state, principal.role)


def require_role(machine: StateMachine, action: str, principal: Principal | None) -> None:
    """Refuse a caller whose role never takes ``action`` (before looking anything up)."""
    roles = machine[action].roles
    if principal is None or str(principal.role) not in roles:
        who = " or ".join(sorted(roles))
        role = principal.role if principal else "system"
        raise RoleNotAllowed(
            f"{machine.aggregate} {action} is done by the {who}, not a {role}",
            f"tindakan {action} pada {machine.aggregate} dilakukan oleh {who}, bukan {role}",
        )
