"""What a drive is asked to do (branches), what it records per step, and its running context."""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from epurchasing_demo.cast import Cast
from epurchasing_demo.catalogue import Vendor
from epurchasing_demo.client import Api, DriverError

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@dataclass(frozen=True)
class Branches:
    """The SOP's branches to take; the default is the straight path through the 27 steps."""

    failed_competition_first: bool = False  # 11b: no offers, then the competition is re-run
    rejected_rounds: int = 0  # 17b: rounds the vendor rejects before agreeing (17a)
    ppk_rejects_first: bool = False  # 20b: the package is cancelled, then a new competition
    addendum: bool = False  # 24a: the PPK amends the order (one more unit)
    instalments: int = 1  # 26: payments adding up to the order total


@dataclass(frozen=True)
class StepRecord:
    sop: str
    actor: str
    role: str
    what: str
    state: str
    at: datetime
    service: str


@dataclass
class Outcome:
    procurement_id: str = ""
    competition_ids: list[str] = field(default_factory=list)
    package_ids: list[str] = field(default_factory=list)
    winner: Vendor | None = None
    order_number: str | None = None
    rating_id: str | None = None
    steps: list[StepRecord] = field(default_factory=list)
    offer_windows: list[float] = field(default_factory=list)  # seconds, one per opening (step 9)

    @property
    def package_id(self) -> str:
        return self.package_ids[-1]


@dataclass
class Run:
    """The context every step function gets: who, with what, and where to record."""

    api: Api
    cast: Cast
    vendors: list[Vendor]
    category: str
    branches: Branches
    offer_window: float
    timeout: float
    on_step: Callable[[StepRecord], None] | None = None
    # False: every offer window is ``offer_window``. True: ``offer_window`` is the least, and
    # the window grows with the latency of the drive's own steps 6 and 8 (steps_competition).
    adaptive_offer_window: bool = False
    outcome: Outcome = field(default_factory=Outcome)
    negotiations: int = 0

    def record(self, sop: str, who: str, what: str, state: str, service: str) -> StepRecord:
        """Note one step as done (``who``: ppk, official, admin, system or a vendor's name)."""
        actor, role = self.actor(who)
        entry = StepRecord(sop, actor, role, what, state, datetime.now(UTC), service)
        self.outcome.steps.append(entry)
        if self.on_step is not None:
            self.on_step(entry)
        return entry

    def actor(self, who: str) -> tuple[str, str]:
        if who == "ppk":
            return f"PPK {self.cast.ppk.name}", "ppk"
        if who == "official":
            return f"Pejabat Pengadaan {self.cast.official.name}", "procurement_official"
        if who == "system":
            return "system (no one acted)", "system"
        if who == "vendors":
            return "Penyedia (all)", "vendor"
        return f"Penyedia {who}", "vendor"

    def vendor(self, vendor_id: str) -> Vendor:
        found = next((v for v in self.vendors if v.id == str(vendor_id)), None)
        if found is None:
            raise DriverError(f"the winner {vendor_id} is not one of the seeded vendors")
        return found

    def vendor_headers(self, vendor: Vendor) -> dict[str, str]:
        return self.cast.vendor_headers(vendor.id, vendor.spec.user, vendor.name)

    async def pause_until(self, moment: datetime) -> None:
        """Wait on the real clock (the services read the same clock)."""
        await asyncio.sleep(max(0.0, (moment - datetime.now(UTC)).total_seconds()))


def pdf(name: str) -> tuple[str, bytes, str]:
    """A small PDF upload (the services check the type by its magic bytes)."""
    return (name, PDF, "application/pdf")
