"""Step 14: the official processes the package; the vendor's e-mail (15) is queued with it."""

from sqlalchemy.ext.asyncio import AsyncSession

from epurchasing_shared.contracts.ordering import PackageProcessing
from epurchasing_shared.service import Runtime
from ordering.adapters.codec import party, vendor_ref
from ordering.adapters.mail_outbox import record_vendor_email
from ordering.application.common import Request, emit, load_for, move
from ordering.domain.notification import PackageSummary, vendor_email
from ordering.domain.package import Package
from ordering.settings import OrderingSettings


def vendor_link(settings: OrderingSettings, package: Package) -> str:
    return f"{settings.public_base_url.rstrip('/')}/packages/{package.id}"


def message_id_of(settings: OrderingSettings, package: Package) -> str:
    domain = settings.mail_sender.rsplit("@", 1)[-1].strip(" >") or "epurchasing.example"
    return f"<package-{package.id}@{domain}>"


async def process_package(session: AsyncSession, runtime: Runtime, request: Request) -> Package:
    """Move the package to ``processing`` and queue the vendor's e-mail in the same
    transaction; the background sender delivers it, so SMTP never blocks this step."""
    settings = runtime.settings
    assert isinstance(settings, OrderingSettings)
    package, transition = await load_for(session, request, "process")
    package = await move(session, runtime, request, package, transition)
    event_id = await emit(
        session,
        runtime,
        package,
        PackageProcessing(
            package_id=package.id,
            work_unit=package.work_unit,
            official=party(package.official),
            vendor=vendor_ref(package.vendor),
        ),
        sop_step="14",
        actor=request.actor,
        causation_id=request.causation_id,
    )
    summary = PackageSummary(
        title=package.title,
        rup_code=package.rup_code,
        work_unit=package.work_unit,
        vendor_name=package.vendor.name,
        lines=package.lines,
        shipping_cost=package.shipping_cost,
        delivery_address=package.delivery_address,
        delivery_deadline=package.delivery_deadline,
    )
    subject, body = vendor_email(summary, vendor_link(settings, package))
    now = runtime.clock.now()
    # The package id is the dedupe key: at most one e-mail per package, however often retried.
    await record_vendor_email(
        session,
        package_id=package.id,
        procurement_id=package.procurement_id,
        message_id=message_id_of(settings, package),
        causation_id=event_id,
        recipient=package.vendor.email,
        subject=subject,
        body=body,
        next_attempt_at=now,
        created_at=now,
    )
    return package
