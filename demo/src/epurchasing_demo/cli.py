"""``epurchasing-demo``: seed a small catalogue and run one procurement through the 27 steps
against running services, printing every step and the timeline across the four services."""

import argparse
import asyncio
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from epurchasing_demo.cast import Cast
from epurchasing_demo.catalogue import demo_catalogue, rupiah, seed_catalogue
from epurchasing_demo.client import (
    SERVICES,
    Api,
    DriverError,
    Endpoints,
    Unreachable,
    http_client,
)
from epurchasing_demo.driver import drive, timeline, wait_for_final_states
from epurchasing_demo.late import SlowCalendar, late
from epurchasing_demo.model import Branches, Run, StepRecord
from epurchasing_shared.accountability import fetch_turns, timeline_lines

HEADER = f"{'SOP':<4} {'time':<8}  {'actor':<40} {'resulting state':<22} what happened"


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    defaults = Endpoints.from_env()
    parser = argparse.ArgumentParser(prog="epurchasing-demo", description=__doc__)
    for service in SERVICES:
        parser.add_argument(
            f"--{service}-url",
            default=defaults.of(service),
            help=f"base URL of the {service} service (env {service.upper()}_URL or "
            f"{service.upper()}_PORT; default %(default)s)",
        )
    parser.add_argument("--offer-window", type=float, default=5.0, help="seconds (default 5)")
    parser.add_argument("--timeout", type=float, default=30.0, help="per hand-off, seconds")
    parser.add_argument("--failed-competition", action="store_true", help="11b, then re-run")
    parser.add_argument("--rejected-rounds", type=int, default=0, help="17b rounds (default 0)")
    parser.add_argument("--ppk-rejects", action="store_true", help="20b, then a new competition")
    parser.add_argument("--addendum", action="store_true", help="24a: amend the order")
    parser.add_argument("--instalments", type=int, default=1, help="26: payments (default 1)")
    parser.add_argument(
        "--late",
        action="store_true",
        help="steps 1-19, then the PPK does nothing: the overdue turn and the automatic "
        "cancellation (needs CALENDAR_SECONDS_PER_WORKING_DAY on the services)",
    )
    parser.add_argument(
        "--max-wait",
        type=float,
        default=120.0,
        help="--late: longest wait for the PPK's due time, seconds (default 120)",
    )
    return parser.parse_args(argv)


def print_step(step: StepRecord) -> None:
    at = step.at.astimezone().strftime("%H:%M:%S")
    print(f"{step.sop:<4} {at:<8}  {step.actor[:40]:<40} {step.state:<22} {step.what}", flush=True)


def print_timeline(entries: list[dict[str, Any]], across: str = "the four services") -> None:
    print(f"\nTimeline of the procurement across {across} ({len(entries)} entries):")
    for entry in entries:
        at = datetime.fromisoformat(entry["at"]).astimezone().strftime("%H:%M:%S.%f")[:-3]
        change = f"{entry['from_state'] or '-'} -> {entry['to_state'] or '-'}"
        who = entry["actor_role"] or "system"
        step = entry["sop_step"] or ""
        print(f"  {at}  {entry['service']:<11} {step:<4} {who:<20} {entry['action']:<24} {change}")


async def run(args: argparse.Namespace) -> int:
    endpoints = Endpoints(*(getattr(args, f"{s}_url") for s in SERVICES))
    branches = Branches(
        failed_competition_first=args.failed_competition,
        rejected_rounds=args.rejected_rounds,
        ppk_rejects_first=args.ppk_rejects,
        addendum=args.addendum,
        instalments=args.instalments,
    )
    cast, spec = Cast(), demo_catalogue()
    async with http_client(timeout=30) as http:
        api = Api(endpoints, http)
        await api.check_reachable()
        vendors = await seed_catalogue(api, cast.admin_headers(), spec)
        print(f"Catalogue '{spec.category}' (seeded by the admin):")
        for vendor in vendors:
            price = rupiah(vendor.spec.catalogue_price)
            print(f"  {vendor.name:<30} {vendor.spec.email:<44} {price:>15}  {vendor.spec.product}")
        print(f"\n{HEADER}")
        if args.late:
            await run_late(api, cast, vendors, spec.category, args)
            return 0
        outcome = await drive(
            api,
            cast,
            vendors,
            spec.category,
            branches,
            offer_window=args.offer_window,
            timeout=args.timeout,
            on_step=print_step,
        )
        steps = sorted({int("".join(c for c in s.sop if c.isdigit())) for s in outcome.steps})
        print(
            f"\nProcurement {outcome.procurement_id}: SOP steps {steps[0]}–{steps[-1]} done "
            f"({len(steps)} of 27), Surat Pesanan {outcome.order_number}."
        )
        states = await wait_for_final_states(api, cast, outcome, timeout=args.timeout)
        print("Final states: " + ", ".join(f"{k} {v}" for k, v in states.items()))
        print_timeline(await timeline(api, cast, outcome.procurement_id))
        await print_steps_timeline(endpoints, cast, outcome.procurement_id)
    return 0


async def run_late(
    api: Api, cast: Cast, vendors: list[Any], category: str, args: argparse.Namespace
) -> None:
    """``--late``: the PPK lets step 20 expire (see :mod:`epurchasing_demo.late`)."""
    run = Run(api, cast, vendors, category, Branches(), args.offer_window, args.timeout, print_step)
    package_id = await late(run, max_wait=args.max_wait)
    pid = run.outcome.procurement_id
    print(
        f"\nProcurement {pid}: the PPK did not review package {package_id} in time; ordering "
        "cancelled it (ppk_review_expired) and competition put the request back to accepted."
    )
    # Delivery and rating never heard of a procurement that did not reach step 21.
    entries = await timeline(api, cast, pid, ("competition", "ordering"))
    print_timeline(entries, "competition and ordering")
    await print_steps_timeline(api.endpoints, cast, pid)


async def print_steps_timeline(endpoints: Endpoints, cast: Cast, procurement_id: str) -> None:
    """What ``epurchasing timeline <procurement>`` prints: each turn (whose, due, done, late)."""
    token = cast.auditor_headers()["Authorization"].removeprefix("Bearer ")
    urls = {service: endpoints.of(service) for service in SERVICES}
    turns = await asyncio.to_thread(fetch_turns, procurement_id, urls, token)
    print(f"\nSteps of the procurement (epurchasing timeline {procurement_id}):")
    if not turns:
        print("  (no turns recorded: no transition declares a time standard yet)")
        return
    for line in timeline_lines(turns):
        print(f"  {line}")


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``epurchasing-demo`` console script."""
    args = parse(argv)
    try:
        code = asyncio.run(run(args))
    except SlowCalendar as error:
        print(f"epurchasing-demo: {error}", file=sys.stderr)
        code = 3
    except Unreachable as error:
        print(f"epurchasing-demo: {error}", file=sys.stderr)
        code = 2
    except DriverError as error:
        print(f"epurchasing-demo: a step failed: {error}", file=sys.stderr)
        code = 1
    except KeyboardInterrupt:
        code = 130
    sys.exit(code)
