"""The accountability commands: one procurement's timeline, the late-steps report, the chain check.

- ``epurchasing timeline <procurement>``: the turns of the four services (``GET
  /procurements/{id}/turns``) in time order, one line per step;
- ``epurchasing report late --from --to [--work-unit]``: late turns (``GET /turns?late=true``)
  of the four services as CSV, per work unit and actor;
- ``epurchasing verify-history --service S``: checks the service's history hash chain in its
  database and names the first broken entry (exit 1).

The HTTP commands use ``EPURCHASING_TOKEN`` or mint an auditor's development token with the
``JWT_SECRET`` of the environment.
"""

import asyncio
import csv
import importlib
import io
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import MetaData

from epurchasing_shared.auth import Role, mint_token
from epurchasing_shared.history_chain import ChainBreak, verify_chain
from epurchasing_shared.settings import ServiceSettings

SERVICES = ("competition", "ordering", "delivery", "rating")
DEFAULT_BASE_URLS = {
    "competition": "http://127.0.0.1:8001",
    "ordering": "http://127.0.0.1:8002",
    "delivery": "http://127.0.0.1:8003",
    "rating": "http://127.0.0.1:8004",
}


def service_settings(service: str) -> ServiceSettings:
    """The service's settings read as the service reads them (its settings class when it is
    installed, else the shared settings with the service's prefix and default database)."""
    try:
        module = importlib.import_module(f"{service}.settings")
    except ImportError:
        module = None
    if module is not None:
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, ServiceSettings)
                and value is not ServiceSettings
            ):
                return value()
    from pydantic_settings import SettingsConfigDict

    class Fallback(ServiceSettings):
        model_config = SettingsConfigDict(
            env_prefix=f"{service.upper()}_", extra="ignore", populate_by_name=True
        )
        database_url: str = f"postgresql+asyncpg://postgres@127.0.0.1:5432/epurchasing_{service}"

    return Fallback()


# ---- verify-history ------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainReport:
    service: str
    entries: int
    procurements: int
    broken: ChainBreak | None


async def check_history(service: str, database_url: str) -> ChainReport:
    from epurchasing_shared.db import make_engine, make_session_factory
    from epurchasing_shared.history import read_chain
    from epurchasing_shared.spine import add_spine_tables

    spine = add_spine_tables(MetaData())
    engine = make_engine(database_url)
    try:
        async with make_session_factory(engine)() as session:
            entries, heads = await read_chain(session, spine.history, spine.history_heads)
    finally:
        await engine.dispose()
    return ChainReport(
        service=service,
        entries=len(entries),
        procurements=len({entry.procurement_id for entry in entries}),
        broken=verify_chain(entries, heads),
    )


def verify_history(service: str, database_url: str | None = None) -> int:
    """Print the result of the chain check; 0 when intact, 1 naming the first broken entry."""
    url = database_url or service_settings(service).database_url
    report = asyncio.run(check_history(service, url))
    if report.broken is not None:
        print(f"{service}: history chain BROKEN at {report.broken}")
        return 1
    print(
        f"{service}: history chain intact: {report.entries} entries "
        f"of {report.procurements} procurements"
    )
    return 0


# ---- HTTP ------------------------------------------------------------------------------------


def token_from_environment() -> str:
    token = os.environ.get("EPURCHASING_TOKEN")
    if token:
        return token
    return mint_token(ServiceSettings(), sub="auditor-cli", role=Role.AUDITOR, name="Auditor CLI")


def get_json(url: str, token: str, timeout: float = 10.0) -> Any:
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) URL: {url}")
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (checked above)
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        return json.loads(response.read())


def fetch_turns(procurement_id: str, base_urls: Mapping[str, str], token: str) -> list[dict]:
    """The procurement's turns in every service (a service that answers 404 has none)."""
    found: list[dict[str, Any]] = []
    for service, base in base_urls.items():
        url = f"{base.rstrip('/')}/procurements/{procurement_id}/turns"
        try:
            turns = get_json(url, token)
        except urllib.error.HTTPError as error:
            if error.code == 404:
                continue
            raise
        found += [{**turn, "service": service} for turn in turns]
    return found


def fetch_late_turns(
    base_urls: Mapping[str, str],
    token: str,
    *,
    start: date,
    end: date,
    work_unit: str | None = None,
) -> list[dict[str, Any]]:
    """Every late turn started between ``start`` and ``end`` (inclusive), all pages."""
    found: list[dict[str, Any]] = []
    for service, base in base_urls.items():
        cursor: str | None = None
        while True:
            query: dict[str, str] = {
                "late": "true",
                "from": start.isoformat(),
                "to": end.isoformat(),
                "limit": "200",
            }
            if work_unit:
                query["work_unit"] = work_unit
            if cursor:
                query["cursor"] = cursor
            page = get_json(f"{base.rstrip('/')}/turns?{urllib.parse.urlencode(query)}", token)
            found += [{**turn, "service": service} for turn in page["items"]]
            cursor = page.get("next_cursor")
            if not cursor:
                break
    return found


# ---- rendering (pure) ------------------------------------------------------------------------


def _short(moment: str | None) -> str:
    if not moment:
        return "-"
    return datetime.fromisoformat(moment).strftime("%Y-%m-%d %H:%M:%S%z")


def timeline_lines(turns: Iterable[Mapping[str, Any]]) -> list[str]:
    """One line per step, in the order the turns started: step, actor, started, due, done,
    working days taken, late or on time (open: overdue or open)."""
    ordered = sorted(turns, key=lambda t: (t["started_at"], t.get("service", "")))
    header = (
        f"{'step':<5} {'service':<12} {'actor':<40} {'started':<25} {'due':<25} "
        f"{'done':<25} {'days':>4}  status"
    )
    lines = [header]
    for turn in ordered:
        actor = turn["actor_role"] + (f" {turn['actor_id']}" if turn.get("actor_id") else "")
        if turn.get("done_at"):
            status = "LATE" if turn["overdue"] else "on time"
        else:
            status = "OVERDUE (open)" if turn["overdue"] else "open"
        if turn["overdue"] and turn.get("late_working_days"):
            status += f" by {turn['late_working_days']} working day(s)"
        lines.append(
            f"{turn['sop_step']:<5} {turn.get('service', ''):<12} {actor[:40]:<40} "
            f"{_short(turn['started_at']):<25} {_short(turn['due_at']):<25} "
            f"{_short(turn.get('done_at')):<25} {turn.get('working_days_taken', ''):>4}  {status}"
        )
    return lines


LATE_COLUMNS = (
    "service",
    "procurement_id",
    "sop_step",
    "actor_role",
    "actor_id",
    "work_unit",
    "started_at",
    "due_at",
    "done_at",
    "late_working_days",
    "late_seconds",
)


def late_csv(turns: Iterable[Mapping[str, Any]]) -> str:
    """CSV of late turns, grouped by work unit then actor, oldest first within."""
    ordered = sorted(
        turns,
        key=lambda t: (
            t.get("work_unit") or "",
            t["actor_role"],
            t.get("actor_id") or "",
            t["due_at"],
        ),
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LATE_COLUMNS)
    for turn in ordered:
        writer.writerow(
            [turn.get(column) if turn.get(column) is not None else "" for column in LATE_COLUMNS]
        )
    return out.getvalue()


def base_urls_from(args: Any) -> dict[str, str]:
    return {
        service: getattr(args, f"base_url_{service}") or DEFAULT_BASE_URLS[service]
        for service in SERVICES
    }


def add_base_url_options(parser: Any) -> None:
    for service in SERVICES:
        parser.add_argument(
            f"--base-url-{service}",
            default=os.environ.get(f"EPURCHASING_{service.upper()}_URL"),
            help=f"default {DEFAULT_BASE_URLS[service]}",
        )


def run_timeline(args: Any) -> None:
    turns = fetch_turns(args.procurement_id, base_urls_from(args), token_from_environment())
    if not turns:
        raise ValueError(f"no turns of procurement {args.procurement_id} in any service")
    print("\n".join(timeline_lines(turns)))


def run_report_late(args: Any) -> None:
    start, end = date.fromisoformat(args.start), date.fromisoformat(args.end)
    if end < start:
        raise ValueError("--to is before --from")
    turns = fetch_late_turns(
        base_urls_from(args),
        token_from_environment(),
        start=start,
        end=end,
        work_unit=args.work_unit,
    )
    print(late_csv(turns), end="")


__all__: Sequence[str] = (
    "check_history",
    "late_csv",
    "run_report_late",
    "run_timeline",
    "timeline_lines",
    "verify_history",
)
