"""Delivery's unit of work on PostgreSQL: the kernel's, with the fulfilments' repository."""

from delivery.adapters.repository import SqlFulfilments
from delivery.application.ports import DeliveryUnitOfWork
from epurchasing_shared.persistence import SqlUnitOfWork


class SqlDeliveryUnitOfWork(SqlUnitOfWork, DeliveryUnitOfWork):
    async def _open(self) -> None:
        self.fulfilments = SqlFulfilments(self.session, self.clock)
