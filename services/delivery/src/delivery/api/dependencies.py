"""Request-level dependencies of the delivery API: the unit of work the use cases run in."""

from fastapi import Request

from delivery.application.ports import UnitOfWorkFactory


async def unit_of_work(request: Request) -> UnitOfWorkFactory:
    """``caller -> unit of work`` of this app (built once in :func:`delivery.app.create_app`)."""
    factory: UnitOfWorkFactory = request.app.state.unit_of_work
    return factory
