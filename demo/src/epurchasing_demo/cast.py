"""The people of the procurement and their development tokens (minted with the services' secret)."""

from dataclasses import dataclass, field

from epurchasing_shared.auth import Role, mint_token
from epurchasing_shared.settings import ServiceSettings


@dataclass(frozen=True)
class Person:
    sub: str
    name: str
    email: str | None = None


@dataclass
class Cast:
    """The PPK and the procurement official of one work unit, the admin, an auditor; vendors'
    tokens are minted per vendor. ``settings`` carries JWT_SECRET/ISSUER/AUDIENCE (from env)."""

    settings: ServiceSettings = field(default_factory=ServiceSettings)
    work_unit: str = "dinkes"
    work_unit_name: str = "Dinas Kesehatan Kabupaten Mojokerto"
    ppk: Person = Person("ppk-budi", "Budi Santoso, S.Kom.", "budi.santoso@mojokertokab.go.id")
    official: Person = Person(
        "pp-sari", "Sari Wulandari, S.E.", "sari.wulandari@mojokertokab.go.id"
    )
    admin: Person = Person("admin-ukpbj", "Admin UKPBJ")
    auditor: Person = Person("auditor-inspektorat", "Inspektorat Daerah")

    def _headers(self, role: Role, person: Person, **claims: object) -> dict[str, str]:
        token = mint_token(
            self.settings,
            sub=person.sub,
            role=role,
            name=person.name,
            email=person.email,
            **claims,  # type: ignore[arg-type]
        )
        return {"Authorization": f"Bearer {token}"}

    def ppk_headers(self) -> dict[str, str]:
        return self._headers(Role.PPK, self.ppk, work_unit=self.work_unit)

    def official_headers(self) -> dict[str, str]:
        return self._headers(Role.PROCUREMENT_OFFICIAL, self.official, work_unit=self.work_unit)

    def admin_headers(self) -> dict[str, str]:
        return self._headers(Role.ADMIN, self.admin)

    def auditor_headers(self) -> dict[str, str]:
        return self._headers(Role.AUDITOR, self.auditor)

    def vendor_headers(self, vendor_id: str, user: str, name: str) -> dict[str, str]:
        return self._headers(Role.VENDOR, Person(user, name), vendor_id=vendor_id)
