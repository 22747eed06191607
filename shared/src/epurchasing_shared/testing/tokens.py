"""Development tokens for tests, signed with the default (test) settings."""

from uuid import UUID

from epurchasing_shared.auth import Role, mint_token
from epurchasing_shared.settings import ServiceSettings


class Tokens:
    def __init__(self, settings: ServiceSettings | None = None) -> None:
        self.settings = settings or ServiceSettings()

    def headers(self, role: Role | str, sub: str, **claims: object) -> dict[str, str]:
        token = mint_token(self.settings, sub=sub, role=role, **claims)  # type: ignore[arg-type]
        return {"Authorization": f"Bearer {token}"}

    def ppk(
        self, sub: str = "ppk-1", work_unit: str = "dinkes", name: str = "Budi (PPK)"
    ) -> dict[str, str]:
        return self.headers(
            Role.PPK, sub, work_unit=work_unit, name=name, email=f"{sub}@example.go.id"
        )

    def official(
        self,
        sub: str = "official-1",
        work_unit: str = "dinkes",
        name: str = "Sari (Pejabat Pengadaan)",
    ) -> dict[str, str]:
        return self.headers(Role.PROCUREMENT_OFFICIAL, sub, work_unit=work_unit, name=name)

    def vendor(
        self, vendor_id: UUID | str, sub: str | None = None, name: str = "Vendor"
    ) -> dict[str, str]:
        return self.headers(
            Role.VENDOR, sub or f"vendor-user-{vendor_id}", vendor_id=str(vendor_id), name=name
        )

    def admin(self, sub: str = "admin-1") -> dict[str, str]:
        return self.headers(Role.ADMIN, sub, name="Admin UKPBJ")

    def auditor(self, sub: str = "auditor-1") -> dict[str, str]:
        return self.headers(Role.AUDITOR, sub, name="Inspektorat")
