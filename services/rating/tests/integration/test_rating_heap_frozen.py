"""A serving process moves what is alive after start out of the garbage collector's reach
(``gc.freeze``: its full collections under load no longer walk the modules, tables and
routes), then turns the collector on (its entry point starts with it off); an app built by a
test freezes nothing, since a test process builds many."""

import gc

from epurchasing_shared import service
from epurchasing_shared.clock import FixedClock
from epurchasing_shared.testing.app import running_app
from rating.app import create_app


async def test_the_heap_is_frozen_after_start_only_where_the_command_line_asks(
    rating_service, monkeypatch
):
    assert not service.FREEZE_HEAP_AFTER_START  # the default: tests, tools
    gc.unfreeze()
    async with running_app(create_app(rating_service.settings, FixedClock())) as client:
        assert (await client.get("/healthz")).status_code == 200
        assert gc.get_freeze_count() == 0
    monkeypatch.setattr(service, "FREEZE_HEAP_AFTER_START", True)  # as cli.service_main does
    gc.disable()  # as python -m rating does before its imports
    try:
        async with running_app(create_app(rating_service.settings, FixedClock())) as client:
            assert (await client.get("/healthz")).status_code == 200
            assert gc.get_freeze_count() > 10_000
            assert gc.isenabled()
    finally:
        gc.unfreeze()
        gc.enable()
