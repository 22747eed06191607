"""Reading packages, and steps 14, 18–20 and cancellation (api.md, "Ordering service")."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from epurchasing_shared.auth import Principal, Role, current_principal
from epurchasing_shared.http.pagination import PageParams, page_params
from epurchasing_shared.service import Runtime, get_runtime
from ordering.api.common import PackageAction, make_request, package_action
from ordering.api.schemas import ReasonIn
from ordering.application import process_package, review, views
from ordering.domain.states import PackageState

router = APIRouter(prefix="/packages", tags=["packages"])
OFFICIAL = package_action(Role.PROCUREMENT_OFFICIAL)
VENDOR = package_action(Role.VENDOR)
PPK = package_action(Role.PPK)


@router.get("", summary="Packages the caller may see (paginated, filterable by state)")
async def list_packages(
    state: PackageState | None = Query(default=None),
    page: PageParams = Depends(page_params),
    principal: Principal = Depends(current_principal),
    runtime: Runtime = Depends(get_runtime),
) -> dict[str, Any]:
    async with runtime.sessions() as session:
        return await views.list_visible_packages(
            session, principal, state.value if state else None, page
        )


@router.get("/{package_id}", summary="One package: data, negotiation, order, e-mail status")
async def get_package(
    package_id: UUID,
    principal: Principal = Depends(current_principal),
    runtime: Runtime = Depends(get_runtime),
) -> dict[str, Any]:
    async with runtime.sessions() as session:
        return await views.get_package(session, make_request(principal, package_id, "", None))


@router.post("/{package_id}/process", summary="Process the package; e-mails the vendor (14–15)")
async def process(package_id: UUID, action: PackageAction = Depends(OFFICIAL)) -> Any:
    return await action.run(package_id, process_package.process_package)


@router.post("/{package_id}/approve", summary="The vendor approves the purchase (18)")
async def approve(package_id: UUID, action: PackageAction = Depends(VENDOR)) -> Any:
    return await action.run(package_id, review.vendor_approve)


@router.post("/{package_id}/send-to-ppk", summary="Send the package to the PPK (19)")
async def send_to_ppk(package_id: UUID, action: PackageAction = Depends(OFFICIAL)) -> Any:
    return await action.run(package_id, review.send_to_ppk)


@router.post("/{package_id}/ppk-approve", summary="The PPK approves the package (20a)")
async def ppk_approve(package_id: UUID, action: PackageAction = Depends(PPK)) -> Any:
    return await action.run(package_id, review.ppk_approve)


@router.post("/{package_id}/ppk-reject", summary="The PPK rejects: the package is cancelled (20b)")
async def ppk_reject(package_id: UUID, body: ReasonIn, action: PackageAction = Depends(PPK)) -> Any:
    return await action.run(package_id, review.cancel_package, "ppk_reject", body.reason)


@router.post("/{package_id}/cancel", summary="The official cancels during negotiation (17)")
async def cancel(
    package_id: UUID, body: ReasonIn, action: PackageAction = Depends(OFFICIAL)
) -> Any:
    return await action.run(package_id, review.cancel_package, "cancel", body.reason)
