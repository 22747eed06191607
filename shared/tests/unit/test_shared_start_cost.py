"""What a service's start does not spend CPU on (docs/performance.md, start to ``/readyz``):
the garbage collector is off until the app has started, and what only some requests or
commands need is imported when they first need it, not by the process that serves.

Each check runs in a fresh interpreter: this test process has imported everything already."""

import os
import subprocess
import sys

import pytest

SERVICES = ("competition", "ordering", "delivery", "rating")

# Loaded where they are used: PDF letters, token checks, the holiday calendar, the migrations
# (in a child of ``migrate-and-serve``), the tracing SDK (only with an OTLP endpoint set).
DEFERRED = ("reportlab", "jwt", "holidays", "alembic", "mako", "opentelemetry.sdk")


def _run(code: str) -> str:
    # Without an OTLP endpoint, as by default: with one, the tracing SDK is loaded on purpose.
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize("service", SERVICES)
def test_the_entry_point_starts_with_the_collector_off(service: str) -> None:
    """``python -m <service>`` turns the collector off before its imports and calls the shared
    entry point with it off; the app turns it back on once started (test_rating_heap_frozen)."""
    code = f"""
import gc, runpy, sys, types
stub = types.ModuleType("epurchasing_shared.cli")
stub.service_main = lambda **kwargs: print(gc.isenabled(), kwargs["name"])
sys.modules["epurchasing_shared.cli"] = stub
runpy.run_module("{service}", run_name="__main__")
"""
    assert _run(code) == f"False {service}"


def test_the_serving_process_does_not_load_what_it_defers() -> None:
    code = f"""
import sys
import uvicorn
from epurchasing_shared import cli, migrations, startup
for service in {SERVICES!r}:
    __import__(f"{{service}}.app", fromlist=["create_app"]).create_app()
print(sorted(m for m in {DEFERRED!r} if m in sys.modules))
"""
    assert _run(code) == "[]"


def test_counting_working_days_of_the_table_years_does_not_load_holidays() -> None:
    """The package costs a service ~19 MB for good (its 250 countries and Indonesia's lunar
    calendars); the years in the table never load it, a year outside it does."""
    code = """
import sys
from datetime import datetime, timedelta, timezone
from epurchasing_shared.calendar import TABLE_YEARS, WorkingCalendar
calendar = WorkingCalendar()
start = datetime(TABLE_YEARS[0], 1, 2, 9, tzinfo=timezone(timedelta(hours=7)))
end = datetime(TABLE_YEARS[-1], 12, 20, 9, tzinfo=timezone(timedelta(hours=7)))
counted = calendar.working_days_between(start, end)
within = "holidays" in sys.modules
calendar.add_working_days(end, 30)  # into the year after the table
print(counted > 0, within, "holidays" in sys.modules)
"""
    assert _run(code) == "True False True"
