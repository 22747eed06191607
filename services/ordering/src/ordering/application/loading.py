"""How every actor's action finds its package and answers: the caller's package (404 when
not theirs, locked), and the package view as the outcome."""

from collections.abc import Awaitable, Callable
from uuid import UUID

from epurchasing_shared.kernel.errors import NotFound
from epurchasing_shared.kernel.unit_of_work import Outcome
from epurchasing_shared.principal import Principal
from ordering.application.ports import OrderingUnitOfWork
from ordering.application.views import package_detail
from ordering.domain.package import Package

AGGREGATE = "package"


def principal_of(uow: OrderingUnitOfWork) -> Principal:
    principal = uow.caller.principal
    if principal is None:
        raise NotFound("an actor's action needs a caller")
    return principal


def role_of(uow: OrderingUnitOfWork) -> str:
    return str(principal_of(uow).role)


async def visible_package(
    uow: OrderingUnitOfWork, package_id: UUID, *, for_update: bool = False
) -> Package:
    """The package, if the caller may see it (404 otherwise, so nothing is revealed)."""
    package = await uow.packages.get(package_id, for_update=for_update)
    if package is None or not package.visible_to(principal_of(uow)):
        raise NotFound(f"package {package_id} not found", f"paket {package_id} tidak ditemukan")
    return package


def callers_package(package_id: UUID) -> Callable[[OrderingUnitOfWork], Awaitable[Package]]:
    """``perform``'s load: the caller's package, locked."""

    async def load(uow: OrderingUnitOfWork) -> Package:
        return await visible_package(uow, package_id, for_update=True)

    return load


async def answer(uow: OrderingUnitOfWork, package: Package) -> Outcome:
    """Save the package and answer with its view, as the caller sees it."""
    await uow.packages.save(package)
    return Outcome(await package_detail(uow, package, principal_of(uow)))
