"""Reading packages, and steps 14, 18–20 and cancellation (api.md, "Ordering service").

Every action answers 200 with the package as the caller now sees it, its version as ``ETag``;
none creates a resource with a URL of its own, so none answers 201.
"""

from typing import Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from epurchasing_shared.auth import Principal, Role, current_principal
from epurchasing_shared.http.actions import action_request, respond
from epurchasing_shared.http.pagination import PageParams, page_params
from epurchasing_shared.kernel.actions import ActionRequest
from ordering.api.schemas import ACTION_RESPONSES, ETAG, PackageDetail, PackagePage, ReasonIn
from ordering.api.wiring import Wiring, wiring
from ordering.application import process_package as processing
from ordering.application import review, views
from ordering.domain.states import PackageState

router = APIRouter(prefix="/packages", tags=["packages"])
OFFICIAL = action_request(Role.PROCUREMENT_OFFICIAL)
VENDOR = action_request(Role.VENDOR)
PPK = action_request(Role.PPK)
ACTION = {"response_model": PackageDetail, "responses": ACTION_RESPONSES}


@router.get(
    "",
    response_model=PackagePage,
    summary="Packages the caller may see (paginated; by state, overdue turn, 'my work')",
)
async def list_packages(
    # The caller first: no token is a 401 whatever the query (a malformed cursor included).
    principal: Principal = Depends(current_principal),
    procurement_id: UUID | None = Query(
        default=None,
        description="only the packages of this procurement (its winner's, and the next "
        "winner's after a cancellation), whichever page of the caller's list they would be on",
    ),
    state: PackageState | None = Query(default=None),
    overdue: bool | None = Query(
        default=None,
        description="true: packages whose open turn is past its due time; false: the others",
    ),
    turn: Literal["mine"] | None = Query(
        default=None,
        description="mine: packages whose open turn is the caller's own (a PPK or official "
        "by user id and work unit, a vendor by its vendor id): 'my work'",
    ),
    page: PageParams = Depends(page_params),
    wired: Wiring = Depends(wiring),
) -> Any:
    # The view as it is (the same timestamps as the actions' answers), documented by the model.
    page_view = await views.list_visible_packages(
        wired.unit_of_work,
        principal,
        state.value if state else None,
        page,
        overdue=overdue,
        mine=turn == "mine",
        procurement_id=procurement_id,
    )
    return JSONResponse(page_view)


@router.get(
    "/{package_id}",
    response_model=PackageDetail,
    summary="One package: data, negotiation, order, e-mail status",
    responses={200: {"description": "The package", "headers": {"ETag": ETAG}}},
)
async def get_package(
    package_id: UUID,
    principal: Principal = Depends(current_principal),
    wired: Wiring = Depends(wiring),
) -> Any:
    view = await views.get_package(wired.unit_of_work, principal, package_id)
    return JSONResponse(view, headers={"ETag": f'"{view["version"]}"'})


@router.post(
    "/{package_id}/process", summary="Process the package; e-mails the vendor (14–15)", **ACTION
)
async def process_package(
    package_id: UUID,
    request: ActionRequest = Depends(OFFICIAL),
    wired: Wiring = Depends(wiring),
) -> Any:
    return respond(
        await processing.process_package(wired.unit_of_work, request, package_id, wired.rules)
    )


@router.post("/{package_id}/approve", summary="The vendor approves the purchase (18)", **ACTION)
async def vendor_approve_package(
    package_id: UUID, request: ActionRequest = Depends(VENDOR), wired: Wiring = Depends(wiring)
) -> Any:
    return respond(await review.vendor_approve(wired.unit_of_work, request, package_id))


@router.post("/{package_id}/send-to-ppk", summary="Send the package to the PPK (19)", **ACTION)
async def send_package_to_ppk(
    package_id: UUID, request: ActionRequest = Depends(OFFICIAL), wired: Wiring = Depends(wiring)
) -> Any:
    return respond(await review.send_to_ppk(wired.unit_of_work, request, package_id))


@router.post("/{package_id}/ppk-approve", summary="The PPK approves the package (20a)", **ACTION)
async def ppk_approve_package(
    package_id: UUID, request: ActionRequest = Depends(PPK), wired: Wiring = Depends(wiring)
) -> Any:
    return respond(await review.ppk_approve(wired.unit_of_work, request, package_id))


@router.post(
    "/{package_id}/ppk-reject",
    summary="The PPK rejects: the package is cancelled (20b)",
    **ACTION,
)
async def ppk_reject_package(
    package_id: UUID,
    body: ReasonIn,
    request: ActionRequest = Depends(PPK),
    wired: Wiring = Depends(wiring),
) -> Any:
    outcome = await review.cancel_package(
        wired.unit_of_work, request, package_id, "ppk_reject", body.reason
    )
    return respond(outcome)


@router.post(
    "/{package_id}/cancel", summary="The official cancels during negotiation (17)", **ACTION
)
async def cancel_package(
    package_id: UUID,
    body: ReasonIn,
    request: ActionRequest = Depends(OFFICIAL),
    wired: Wiring = Depends(wiring),
) -> Any:
    outcome = await review.cancel_package(
        wired.unit_of_work, request, package_id, "cancel", body.reason
    )
    return respond(outcome)
