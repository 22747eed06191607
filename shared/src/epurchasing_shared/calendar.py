"""The working-day calendar behind the SOP's time standards ("Waktu: 1 hari", "3 hari").

A working day is a local date (Asia/Jakarta by default) that is not a Saturday or a Sunday, not
a national holiday (*libur nasional*), not a collective-leave day (*cuti bersama*) and not a
regional day off the operator adds. National holidays and cuti bersama come from the ``holidays``
package (Indonesia, categories ``public`` and ``government``); they follow the yearly SKB of the
Ministers of Religious Affairs, Manpower and PAN-RB. Cuti bersama bind the civil servants (ASN)
who run the procurement, hence the government category. See docs/calendar.md.

Everything here is pure except :func:`calendar_from_settings`, which reads the operator's file,
and the days-off table shipped with the package (:data:`TABLE_FILE`), read once on first use.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from epurchasing_shared.settings import ServiceSettings

#: The ``holidays`` categories for Indonesia: libur nasional and cuti bersama.
CATEGORIES = ("public", "government")
#: The name a regional day off gets when the operator gives none.
REGIONAL_DAY_OFF = "Hari libur daerah"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_WEEKEND = {5: "Sabtu", 6: "Minggu"}
_ONE_DAY = timedelta(days=1)
# No real year has a run of days off this long; a longer one means a broken holiday source.
_LONGEST_BREAK = 60


class CalendarConfigError(ValueError):
    """The operator's days off (setting or file) cannot be read; the service must not start."""


#: Indonesia's days off of these years, as the pinned ``holidays`` release computes them, are
#: read from :data:`TABLE_FILE` instead of being computed in the service (see
#: :func:`indonesian_days_off`); a unit test checks the file against the installed package.
TABLE_YEARS = range(2020, 2041)
TABLE_FILE = Path(__file__).with_name("indonesia_days_off.json")


@cache
def indonesian_days_off(year: int) -> Mapping[date, str]:
    """Indonesia's libur nasional and cuti bersama of ``year``, named in Indonesian.

    The years of :data:`TABLE_YEARS` come from :data:`TABLE_FILE`, which holds what the pinned
    ``holidays`` release gives for them (:func:`computed_days_off`, written by ``python -m
    epurchasing_shared.calendar``): importing the package loads its 250 countries, and with
    Indonesia's lunar and lunisolar calendars that costs a service ~19 MB of memory for good
    and ~0.15 s of CPU on its first working-day count. Other years are computed here.
    Cached per year. Islamic dates of years with no SKB yet are estimates, marked
    "(perkiraan)".
    """
    table = _table()
    days = table[year] if year in table else computed_days_off(year)
    return MappingProxyType(days)


def computed_days_off(year: int) -> dict[date, str]:
    """What the ``holidays`` package gives for ``year`` (Indonesia, :data:`CATEGORIES`, in
    Indonesian). Imported on first use only."""
    import holidays

    found = holidays.country_holidays("ID", years=year, categories=CATEGORIES, language="id")
    return dict(sorted(found.items()))


def days_off_table(years: Iterable[int]) -> dict[str, object]:
    """The contents of :data:`TABLE_FILE` for ``years``, from the installed ``holidays``."""
    import holidays

    return {
        "source": f"holidays {holidays.__version__}, Indonesia, categories "
        f"{', '.join(CATEGORIES)}, language id",
        "years": {
            str(year): {day.isoformat(): name for day, name in computed_days_off(year).items()}
            for year in years
        },
    }


@cache
def _table() -> dict[int, dict[date, str]]:
    written = json.loads(TABLE_FILE.read_text(encoding="utf-8"))
    return {
        int(year): {date.fromisoformat(day): name for day, name in days.items()}
        for year, days in written["years"].items()
    }


@dataclass(frozen=True, eq=False)
class WorkingCalendar:
    """Which days are working days, and when a turn of N working days is due.

    Immutable: build it once at start (:func:`calendar_from_settings`) and share it.

    ``seconds_per_working_day`` is the fast mode for demonstrations and tests: when set, a
    working day is that many seconds of real time, every day counts (no weekends or holidays)
    and N working days last exactly N times that, so an overdue turn shows in under a minute.
    Only :meth:`add_working_days` and :meth:`working_days_between` change; the dates answered
    by :meth:`is_working_day` stay the real calendar's.
    """

    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Jakarta"))
    extra_days_off: Mapping[date, str] = field(default_factory=dict)
    holiday_source: Callable[[int], Mapping[date, str]] = indonesian_days_off
    seconds_per_working_day: float | None = None

    def __post_init__(self) -> None:
        # A private copy, read-only: the caller's dict cannot change the calendar afterwards.
        object.__setattr__(self, "extra_days_off", MappingProxyType(dict(self.extra_days_off)))
        if self.seconds_per_working_day is not None and self._fast_day <= timedelta(0):
            raise ValueError("seconds_per_working_day must be positive (at least a microsecond)")

    @property
    def _fast_day(self) -> timedelta:
        # Whole microseconds, so that N days and back again is exact (no float drift).
        return timedelta(seconds=self.seconds_per_working_day or 0)

    def local_date(self, moment: datetime) -> date:
        """The date of ``moment`` where the SOP is read (WIB): a day starts at 00:00 local."""
        _require_aware(moment)
        return moment.astimezone(self.zone).date()

    def days_off(self, year: int) -> dict[date, str]:
        """The named days off of ``year`` (holidays, cuti bersama, regional), weekends apart."""
        found = dict(self.holiday_source(year))
        for day, name in self.extra_days_off.items():
            if day.year == year:
                found[day] = f"{found[day]}; {name}" if day in found else name
        return dict(sorted(found.items()))

    def day_off_reason(self, day: date) -> str | None:
        """Why ``day`` is not a working day (a holiday's name, or the weekday), else ``None``."""
        names = [
            n for n in (self.holiday_source(day.year).get(day), self.extra_days_off.get(day)) if n
        ]
        if names:
            return "; ".join(names)
        return _WEEKEND.get(day.weekday())

    def is_working_day(self, day: date) -> bool:
        """Whether civil servants work on ``day`` (a local date) under this calendar."""
        return self.day_off_reason(day) is None

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """When a turn of ``days`` working days handed over at ``start`` is due.

        The rule: the day of the hand-off is not counted; the turn is due at the very end
        (23:59:59.999999 local time) of the ``days``-th working day after the hand-off's local
        date. So "1 hari" handed over on Friday at 16:55, on Saturday, or on a holiday is due
        at the end of the next working day; handed over on a Monday, at the end of Tuesday.

        Why: it is how Indonesian rules count periods ("mulai diperhitungkan pada hari
        berikutnya", KUHAP art. 228; "paling lambat N hari kerja sejak diterima") and how an
        official reads a deadline: a date, the whole of that day included, whatever the hour
        the file arrived and whatever the region's office hours (which also change in
        Ramadan). The same-hour-N-days-later alternative would punish a late-afternoon
        hand-off and depend on the hour of a message. The result is in the calendar's zone.
        A turn is late when it ends after this instant (compare datetimes, not dates).
        In fast mode the turn is due exactly ``days`` x ``seconds_per_working_day`` later.
        """
        _require_aware(start)
        if days < 1:
            raise ValueError(f"a turn lasts at least one working day, not {days}")
        if self.seconds_per_working_day is not None:
            return (start + days * self._fast_day).astimezone(self.zone)
        day, counted, idle = self.local_date(start), 0, 0
        while counted < days:
            day += _ONE_DAY
            if self.is_working_day(day):
                counted, idle = counted + 1, 0
            elif (idle := idle + 1) > _LONGEST_BREAK:
                raise ValueError(f"no working day in the {_LONGEST_BREAK} days before {day}")
        return datetime.combine(day, time.max, tzinfo=self.zone)

    def working_days_between(self, start: datetime, end: datetime) -> int:
        """Working days from ``start`` to ``end``: how long a step took, or how late it is.

        Counts the working days whose local date is after ``start``'s and not after ``end``'s
        (the same counting as :meth:`add_working_days`, so a step handed over at ``start`` and
        finished at ``end`` took this many working days, and
        ``working_days_between(s, add_working_days(s, n)) == n``). How late a finished turn is:
        ``working_days_between(due_at, finished_at)``; finished on the Saturday after a Friday
        due date it is late (by the instant) but by 0 working days. Negative when ``end`` is
        before ``start``. In fast mode: the whole fast days elapsed.
        """
        _require_aware(start)
        _require_aware(end)
        if end < start:
            return -self.working_days_between(end, start)
        if self.seconds_per_working_day is not None:
            return (end - start) // self._fast_day
        first, last = self.local_date(start), self.local_date(end)
        return sum(
            self.is_working_day(first + offset * _ONE_DAY)
            for offset in range(1, (last - first).days + 1)
        )


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment!r} has no time zone: the SOP's days are local (WIB) days")


def parse_days_off(text: str, source: str, *, separator: str = "\n") -> dict[date, str]:
    """Regional days off from the operator: one ``YYYY-MM-DD [name]`` per entry, ``#`` comments.

    Entries are lines of a file, or the comma-separated items of ``CALENDAR_DAYS_OFF``
    (``separator=","``). A bad entry raises :class:`CalendarConfigError` naming ``source`` and
    the entry's number, so that a service refuses to start on a typo instead of counting
    a day off as a working day.
    """
    kind = "line" if separator == "\n" else "item"
    found: dict[date, str] = {}
    for number, raw in enumerate(text.split(separator), start=1):
        entry = raw.split("#", 1)[0].strip()
        if not entry:
            continue
        token, *name = entry.split(maxsplit=1)
        where = f"{source}, {kind} {number}"
        if not _ISO_DATE.fullmatch(token):
            raise CalendarConfigError(f"{where}: {token!r} is not a date written YYYY-MM-DD")
        try:
            day = date.fromisoformat(token)
        except ValueError as error:
            raise CalendarConfigError(f"{where}: {token!r} is not a real date") from error
        found[day] = name[0].strip() if name else REGIONAL_DAY_OFF
    return found


def calendar_from_settings(settings: ServiceSettings) -> WorkingCalendar:
    """The calendar the settings describe; call it at start so that a bad file stops the service.

    Regional days off are the union of ``CALENDAR_DAYS_OFF_FILE`` and ``CALENDAR_DAYS_OFF``
    (the setting's name wins for a date in both).
    """
    extra: dict[date, str] = {}
    if settings.calendar_days_off_file:
        path = Path(settings.calendar_days_off_file)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CalendarConfigError(
                f"CALENDAR_DAYS_OFF_FILE {str(path)!r} cannot be read: {error}"
            ) from error
        extra.update(parse_days_off(text, str(path)))
    extra.update(parse_days_off(settings.calendar_days_off, "CALENDAR_DAYS_OFF", separator=","))
    return WorkingCalendar(
        zone=settings.zone,
        extra_days_off=extra,
        seconds_per_working_day=settings.calendar_seconds_per_working_day,
    )


if __name__ == "__main__":  # python -m epurchasing_shared.calendar > .../indonesia_days_off.json
    json.dump(days_off_table(TABLE_YEARS), sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")
