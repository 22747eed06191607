"""The exchange spy: records every event published on the exchange during a test."""

import asyncio
from collections.abc import Callable

import aio_pika
from aio_pika.abc import AbstractIncomingMessage

from epurchasing_shared.contracts.envelope import CloudEvent


class ExchangeSpy:
    def __init__(self) -> None:
        self.events: list[CloudEvent] = []
        self.messages: list[AbstractIncomingMessage] = []
        self._changed = asyncio.Condition()

    async def _on_message(self, message: AbstractIncomingMessage) -> None:
        async with message.process():
            self.messages.append(message)
            self.events.append(CloudEvent.model_validate_json(message.body))
            async with self._changed:
                self._changed.notify_all()

    def types(self) -> list[str]:
        return [event.type for event in self.events]

    def of_type(self, event_type: str) -> list[CloudEvent]:
        return [event for event in self.events if event.type == event_type]

    async def wait_for(
        self,
        event_type: str,
        predicate: Callable[[CloudEvent], bool] = lambda event: True,
        timeout: float = 15.0,
    ) -> CloudEvent:
        def found() -> CloudEvent | None:
            return next((e for e in self.events if e.type == event_type and predicate(e)), None)

        async def wait() -> CloudEvent:
            async with self._changed:
                await self._changed.wait_for(lambda: found() is not None)
            event = found()
            assert event is not None
            return event

        try:
            return await asyncio.wait_for(wait(), timeout)
        except TimeoutError:
            raise AssertionError(
                f"no {event_type} within {timeout}s; seen: {self.types()}"
            ) from None


async def start_spy(amqp_url: str, exchange_name: str) -> tuple[ExchangeSpy, Callable]:
    connection = await aio_pika.connect(amqp_url)
    channel = await connection.channel()
    exchange = await channel.get_exchange(exchange_name)
    queue = await channel.declare_queue(exclusive=True, auto_delete=True)
    await queue.bind(exchange, routing_key="#")
    spy = ExchangeSpy()
    await queue.consume(spy._on_message)

    async def stop() -> None:
        await connection.close()

    return spy, stop
