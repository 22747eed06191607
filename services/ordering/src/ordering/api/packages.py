"""Reading packages, and steps 14, 18–20 and cancellation (api.md, "Ordering service")."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from epurchasing_shared.auth import Principal, Role, current_principal
from epurchasing_shared.http.actions import action_request, respond
from epurchasing_shared.http.pagination import PageParams, page_params
from epurchasing_shared.kernel.actions import ActionRequest
from ordering.api.schemas import ReasonIn
from ordering.api.wiring import Wiring, wiring
from ordering.application import process_package, review, views
from ordering.domain.states import PackageState

router = APIRouter(prefix="/packages", tags=["packages"])
OFFICIAL = action_request(Role.PROCUREMENT_OFFICIAL)
VENDOR = action_request(Role.VENDOR)
PPK = action_request(Role.PPK)


@router.get("", summary="Packages the caller may see (paginated, filterable by state)")
async def list_packages(
    state: PackageState | None = Query(default=None),
    page: PageParams = Depends(page_params),
    principal: Principal = Depends(current_principal),
    wired: Wiring = Depends(wiring),
) -> dict[str, Any]:
    return await views.list_visible_packages(
        wired.unit_of_work, principal, state.value if state else None, page
    )


@router.get("/{package_id}", summary="One package: data, negotiation, order, e-mail status")
async def get_package(
    package_id: UUID,
    principal: Principal = Depends(current_principal),
    wired: Wiring = Depends(wiring),
) -> dict[str, Any]:
    return await views.get_package(wired.unit_of_work, principal, package_id)


@router.post("/{package_id}/process", summary="Process the package; e-mails the vendor (14–15)")
async def process(
    package_id: UUID,
    request: ActionRequest = Depends(OFFICIAL),
    wired: Wiring = Depends(wiring),
) -> Any:
    return respond(
        await process_package.process_package(wired.unit_of_work, request, package_id, wired.rules)
    )


@router.post("/{package_id}/approve", summary="The vendor approves the purchase (18)")
async def approve(
    package_id: UUID, request: ActionRequest = Depends(VENDOR), wired: Wiring = Depends(wiring)
) -> Any:
    return respond(await review.vendor_approve(wired.unit_of_work, request, package_id))


@router.post("/{package_id}/send-to-ppk", summary="Send the package to the PPK (19)")
async def send_to_ppk(
    package_id: UUID, request: ActionRequest = Depends(OFFICIAL), wired: Wiring = Depends(wiring)
) -> Any:
    return respond(await review.send_to_ppk(wired.unit_of_work, request, package_id))


@router.post("/{package_id}/ppk-approve", summary="The PPK approves the package (20a)")
async def ppk_approve(
    package_id: UUID, request: ActionRequest = Depends(PPK), wired: Wiring = Depends(wiring)
) -> Any:
    return respond(await review.ppk_approve(wired.unit_of_work, request, package_id))


@router.post("/{package_id}/ppk-reject", summary="The PPK rejects: the package is cancelled (20b)")
async def ppk_reject(
    package_id: UUID,
    body: ReasonIn,
    request: ActionRequest = Depends(PPK),
    wired: Wiring = Depends(wiring),
) -> Any:
    outcome = await review.cancel_package(
        wired.unit_of_work, request, package_id, "ppk_reject", body.reason
    )
    return respond(outcome)


@router.post("/{package_id}/cancel", summary="The official cancels during negotiation (17)")
async def cancel(
    package_id: UUID,
    body: ReasonIn,
    request: ActionRequest = Depends(OFFICIAL),
    wired: Wiring = Depends(wiring),
) -> Any:
    outcome = await review.cancel_package(
        wired.unit_of_work, request, package_id, "cancel", body.reason
    )
    return respond(outcome)
