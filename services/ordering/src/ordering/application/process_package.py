"""Step 14: the official processes the package; the vendor's e-mail (15) is queued with it."""

from collections.abc import Callable
from uuid import UUID

from epurchasing_shared.contracts.ordering import PackageProcessing
from epurchasing_shared.kernel.actions import ActionRequest, perform
from epurchasing_shared.kernel.unit_of_work import Caller, Outcome
from epurchasing_shared.mail import QueuedEmail
from ordering.application.hand_off import record_change
from ordering.application.loading import AGGREGATE, answer, callers_package, role_of
from ordering.application.payloads import party, vendor_ref
from ordering.application.ports import OrderingRules, OrderingUnitOfWork
from ordering.domain.notification import PackageSummary, vendor_email
from ordering.domain.package import Package
from ordering.domain.states import VENDOR


def vendor_link(rules: OrderingRules, package: Package) -> str:
    return f"{rules.public_base_url.rstrip('/')}/packages/{package.id}"


def message_id_of(rules: OrderingRules, package: Package) -> str:
    domain = rules.mail_sender.rsplit("@", 1)[-1].strip(" >") or "epurchasing.example"
    return f"<package-{package.id}@{domain}>"


def _email(rules: OrderingRules, package: Package, causation: str, uow: OrderingUnitOfWork):
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
    subject, body = vendor_email(summary, vendor_link(rules, package))
    return QueuedEmail(
        message_id=message_id_of(rules, package),
        procurement_id=package.procurement_id,
        aggregate=AGGREGATE,
        aggregate_id=package.id,
        recipient=package.vendor.email,
        subject=subject,
        body=body,
        next_attempt_at=uow.now(),
        created_at=uow.now(),
        causation_id=causation,
        kind="package_processed",
        recipient_role=VENDOR,
        sop_step="15",
    )


async def process_package(
    unit_of_work: Callable[[Caller], OrderingUnitOfWork],
    request: ActionRequest,
    package_id: UUID,
    rules: OrderingRules,
) -> Outcome:
    """Move the package to ``processing`` and queue the vendor's e-mail in the same
    transaction; the background sender delivers it, so SMTP never blocks this step."""

    async def act(uow: OrderingUnitOfWork, package: Package) -> Outcome:
        change = package.process(role_of(uow))
        await record_change(uow, package, change)
        event = await uow.record(
            PackageProcessing(
                package_id=package.id,
                work_unit=package.work_unit,
                official=party(package.official),
                vendor=vendor_ref(package.vendor),
            ),
            procurement_id=package.procurement_id,
            sop_step=change.sop_step,
        )
        # The package id is the dedupe key: at most one e-mail per package.
        await uow.vendor_emails.queue(_email(rules, package, str(event.id), uow))
        return await answer(uow, package)

    return await perform(unit_of_work, request, callers_package(package_id), act)
