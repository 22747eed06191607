"""Who calls: the roles of the SOP's actors and the verified caller (pure, no I/O).

Kept apart from :mod:`epurchasing_shared.auth` (which verifies tokens over HTTP) so that the
domain and application layers can name a caller without importing a web framework.
"""

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID


class Role(StrEnum):
    PPK = "ppk"
    PROCUREMENT_OFFICIAL = "procurement_official"
    VENDOR = "vendor"
    ADMIN = "admin"
    AUDITOR = "auditor"


@dataclass(frozen=True)
class Principal:
    sub: str
    role: Role
    name: str
    email: str | None = None
    work_unit: str | None = None
    vendor_id: UUID | None = None

    @property
    def reads_everything(self) -> bool:
        return self.role in (Role.ADMIN, Role.AUDITOR)
