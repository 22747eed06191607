"""The working-day calendar on the real 2026 and 2027 calendars (SKB 3 Menteri).

2026: SKB Menag, Menaker, MenPAN-RB No. 1497, 2 and 5 of 2025 (17 libur nasional, 8 cuti
bersama). 2027: the SKB as carried by holidays 0.109 (setneg.go.id, September 2026).
"""

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from epurchasing_shared.calendar import (
    REGIONAL_DAY_OFF,
    TABLE_FILE,
    TABLE_YEARS,
    CalendarConfigError,
    WorkingCalendar,
    calendar_from_settings,
    computed_days_off,
    days_off_table,
    indonesian_days_off,
    parse_days_off,
)
from epurchasing_shared.settings import ServiceSettings

WIB = ZoneInfo("Asia/Jakarta")
CALENDAR = WorkingCalendar()

LIBUR_NASIONAL_2026 = {
    date(2026, 1, 1),  # Tahun Baru Masehi
    date(2026, 1, 16),  # Isra Mikraj
    date(2026, 2, 17),  # Imlek 2577
    date(2026, 3, 19),  # Nyepi, Saka 1948
    date(2026, 3, 21),  # Idul Fitri 1447 H (Saturday)
    date(2026, 3, 22),  # Idul Fitri 1447 H, second day (Sunday)
    date(2026, 4, 3),  # Wafat Yesus Kristus
    date(2026, 4, 5),  # Paskah (Sunday)
    date(2026, 5, 1),  # Hari Buruh
    date(2026, 5, 14),  # Kenaikan Yesus Kristus
    date(2026, 5, 27),  # Idul Adha 1447 H
    date(2026, 5, 31),  # Waisak 2570 (Sunday)
    date(2026, 6, 1),  # Hari Lahir Pancasila
    date(2026, 6, 16),  # 1 Muharam 1448 H
    date(2026, 8, 17),  # Proklamasi Kemerdekaan
    date(2026, 8, 25),  # Maulid Nabi
    date(2026, 12, 25),  # Natal
}
CUTI_BERSAMA_2026 = {
    date(2026, 2, 16),  # Imlek
    date(2026, 3, 18),  # Nyepi
    date(2026, 3, 20),  # Idul Fitri
    date(2026, 3, 23),  # Idul Fitri
    date(2026, 3, 24),  # Idul Fitri
    date(2026, 5, 15),  # Kenaikan Yesus Kristus
    date(2026, 5, 28),  # Idul Adha
    date(2026, 12, 24),  # Natal
}
CUTI_BERSAMA_2027 = {
    date(2027, 2, 5),  # Imlek
    date(2027, 3, 9),  # Idul Fitri
    date(2027, 3, 12),  # Idul Fitri
    date(2027, 3, 15),  # Idul Fitri
    date(2027, 3, 25),  # Wafat Yesus Kristus
    date(2027, 5, 18),  # Idul Adha
    date(2027, 5, 19),  # Waisak
    date(2027, 12, 24),  # Natal
}


def wib(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


def end_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 23, 59, 59, 999999, tzinfo=WIB)


@pytest.fixture(autouse=True)
def _no_calendar_environment(monkeypatch):
    for name in ("CALENDAR_DAYS_OFF", "CALENDAR_DAYS_OFF_FILE", "CALENDAR_SECONDS_PER_WORKING_DAY"):
        monkeypatch.delenv(name, raising=False)


# --- the real calendars ---------------------------------------------------------------------


def test_2026_days_off_are_exactly_the_skb_libur_nasional_and_cuti_bersama():
    assert set(CALENDAR.days_off(2026)) == LIBUR_NASIONAL_2026 | CUTI_BERSAMA_2026


def test_2026_weekdays_off_number_what_the_skb_gives_civil_servants():
    weekdays_off = [d for d in CALENDAR.days_off(2026) if d.weekday() < 5]
    assert len(weekdays_off) == 13 + 8  # 17 holidays, 4 on a weekend; 8 cuti bersama


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 3, 20), "Cuti Bersama Hari Raya Idul Fitri"),
        (date(2026, 3, 21), "Hari Raya Idul Fitri"),
        (date(2026, 3, 23), "Cuti Bersama Hari Raya Idul Fitri"),
        (date(2026, 3, 24), "Cuti Bersama Hari Raya Idul Fitri"),
        (date(2026, 3, 19), "Hari Suci Nyepi"),
        (date(2026, 3, 18), "Cuti Bersama Hari Suci Nyepi"),
        (date(2026, 5, 1), "Hari Buruh Internasional"),
        (date(2026, 8, 17), "Hari Kemerdekaan Republik Indonesia"),
        (date(2026, 12, 24), "Cuti Bersama Hari Raya Natal"),
        (date(2026, 12, 25), "Hari Raya Natal"),
    ],
)
def test_2026_holidays_and_cuti_bersama_are_days_off_with_their_names(day, name):
    assert not CALENDAR.is_working_day(day)
    assert CALENDAR.day_off_reason(day) == name


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 3, 17),  # the Tuesday before the Lebaran break
        date(2026, 3, 25),  # the first working day after it
        date(2026, 8, 18),  # 18 August: a cuti bersama in 2025, not in 2026
        date(2026, 12, 28),
    ],
)
def test_ordinary_weekdays_are_working_days(day):
    assert CALENDAR.is_working_day(day)
    assert CALENDAR.day_off_reason(day) is None


def test_weekends_are_days_off():
    assert CALENDAR.day_off_reason(date(2026, 1, 10)) == "Sabtu"
    assert CALENDAR.day_off_reason(date(2026, 1, 11)) == "Minggu"


def test_2027_cuti_bersama_and_holidays():
    days_off = CALENDAR.days_off(2027)
    assert {d for d, n in days_off.items() if n.startswith("Cuti Bersama")} == CUTI_BERSAMA_2027
    for day in (
        date(2027, 1, 5),  # Isra Mikraj
        date(2027, 3, 8),  # Nyepi, Saka 1949
        date(2027, 3, 10),  # Idul Fitri 1448 H
        date(2027, 3, 11),
        date(2027, 3, 26),  # Wafat Yesus Kristus
        date(2027, 5, 6),  # Kenaikan Yesus Kristus
        date(2027, 5, 17),  # Idul Adha 1448 H
        date(2027, 5, 20),  # Waisak
        date(2027, 6, 1),
        date(2027, 8, 17),
        date(2027, 12, 24),
    ):
        assert not CALENDAR.is_working_day(day), day
    assert CALENDAR.is_working_day(date(2027, 3, 16))  # back to work after Lebaran 2027


def test_the_holiday_source_is_cached_per_year():
    assert indonesian_days_off(2026) is indonesian_days_off(2026)


def test_the_days_off_table_is_what_the_installed_holidays_package_gives():
    """After upgrading ``holidays``, write the table again (docs/calendar.md):
    python -m epurchasing_shared.calendar > shared/src/epurchasing_shared/indonesia_days_off.json
    """
    written = json.loads(TABLE_FILE.read_text(encoding="utf-8"))
    assert written == days_off_table(TABLE_YEARS), "indonesia_days_off.json is out of date"


def test_a_year_outside_the_table_is_computed_by_the_package():
    year = TABLE_YEARS[-1] + 1
    assert indonesian_days_off(year) == computed_days_off(year)
    assert indonesian_days_off(year)[date(year, 8, 17)] == "Hari Kemerdekaan Republik Indonesia"
    assert dict(indonesian_days_off(2026)) == computed_days_off(2026)


# --- due times --------------------------------------------------------------------------------


def test_due_time_is_the_end_of_the_next_working_day_in_wib():
    assert CALENDAR.add_working_days(wib(2026, 1, 5, 9), 1) == end_of(date(2026, 1, 6))
    assert CALENDAR.add_working_days(wib(2026, 1, 5, 9), 3) == end_of(date(2026, 1, 8))


def test_a_due_time_skips_the_weekend():
    friday = wib(2026, 1, 9, 16, 55)
    assert CALENDAR.add_working_days(friday, 1) == end_of(date(2026, 1, 12))  # Monday
    assert CALENDAR.add_working_days(friday, 3) == end_of(date(2026, 1, 14))


def test_a_due_time_skips_a_cuti_bersama_day():
    # Tue 26 May 2026 -> Wed 27 Idul Adha (holiday), Thu 28 cuti bersama -> due Fri 29 May.
    handed_over = wib(2026, 5, 26, 10)
    assert CALENDAR.add_working_days(handed_over, 1) == end_of(date(2026, 5, 29))
    public_only = WorkingCalendar(
        holiday_source=lambda y: {
            d: n for d, n in indonesian_days_off(y).items() if not n.startswith("Cuti Bersama")
        }
    )
    assert public_only.add_working_days(handed_over, 1) == end_of(date(2026, 5, 28))


def test_a_due_time_skips_the_whole_lebaran_break_2026():
    # 18 cuti Nyepi, 19 Nyepi, 20 cuti, 21-22 Idul Fitri (weekend), 23-24 cuti: due Wed 25.
    assert CALENDAR.add_working_days(wib(2026, 3, 17, 8), 1) == end_of(date(2026, 3, 25))
    assert CALENDAR.add_working_days(wib(2026, 3, 16, 8), 3) == end_of(date(2026, 3, 26))


def test_the_christmas_cuti_bersama_and_the_weekend_after_it():
    assert CALENDAR.add_working_days(wib(2026, 12, 23, 8), 1) == end_of(date(2026, 12, 28))


def test_a_hand_off_on_a_saturday_starts_the_clock_on_the_next_working_day():
    assert CALENDAR.add_working_days(wib(2026, 1, 10, 10), 1) == end_of(date(2026, 1, 12))


def test_a_hand_off_on_a_holiday_starts_the_clock_on_the_next_working_day():
    new_year = wib(2026, 1, 1, 10)  # Thursday
    assert CALENDAR.add_working_days(new_year, 1) == end_of(date(2026, 1, 2))
    assert CALENDAR.add_working_days(new_year, 2) == end_of(date(2026, 1, 5))


def test_the_hand_off_day_is_the_local_wib_date_not_the_utc_date():
    monday_0600_wib = datetime(2026, 1, 4, 23, 0, tzinfo=UTC)  # Sunday in UTC
    due = CALENDAR.add_working_days(monday_0600_wib, 1)
    assert due == end_of(date(2026, 1, 6))  # Monday is the hand-off day: due end of Tuesday


def test_wib_has_no_daylight_saving_so_due_times_are_always_utc_plus_seven():
    for month in range(1, 13):
        due = CALENDAR.add_working_days(wib(2026, month, 1, 12), 1)
        assert due.utcoffset() == timedelta(hours=7)
        assert due.astimezone(UTC).time().isoformat() == "16:59:59.999999"


def test_a_calendar_reads_days_in_its_own_zone():
    makassar = WorkingCalendar(zone=ZoneInfo("Asia/Makassar"))  # WITA, UTC+8
    late_friday_utc = datetime(2026, 1, 9, 16, 30, tzinfo=UTC)  # Fri 23:30 WIB, Sat 00:30 WITA
    assert CALENDAR.local_date(late_friday_utc) == date(2026, 1, 9)
    assert makassar.local_date(late_friday_utc) == date(2026, 1, 10)


def test_naive_datetimes_and_turns_under_a_day_are_refused():
    with pytest.raises(ValueError, match="no time zone"):
        CALENDAR.add_working_days(datetime(2026, 1, 5, 9), 1)
    with pytest.raises(ValueError, match="at least one working day"):
        CALENDAR.add_working_days(wib(2026, 1, 5, 9), 0)


def test_a_holiday_source_without_working_days_fails_instead_of_looping():
    never = WorkingCalendar(
        holiday_source=lambda year: {date(year, 1, 1) + timedelta(k): "x" for k in range(366)}
    )
    with pytest.raises(ValueError, match="no working day"):
        never.add_working_days(wib(2026, 1, 5, 9), 1)


# --- working days between -----------------------------------------------------------------------


def test_working_days_between_counts_days_after_the_start_up_to_the_end():
    assert CALENDAR.working_days_between(wib(2026, 1, 5, 9), wib(2026, 1, 5, 17)) == 0
    assert CALENDAR.working_days_between(wib(2026, 1, 9, 16), wib(2026, 1, 12, 8)) == 1
    assert CALENDAR.working_days_between(wib(2026, 3, 17, 8), wib(2026, 3, 25, 8)) == 1
    assert (
        CALENDAR.working_days_between(wib(2026, 1, 1, 8), wib(2026, 12, 31, 8)) == 261 - 21
    )  # 261 weekdays in 2026, 21 off (IDX: 239 + 31 Dec)


def test_working_days_between_is_negative_backwards():
    assert CALENDAR.working_days_between(wib(2026, 1, 12, 8), wib(2026, 1, 9, 16)) == -1


@pytest.mark.parametrize("days", [1, 2, 3])
@pytest.mark.parametrize(
    "start", [wib(2026, 1, 9, 16), wib(2026, 3, 17, 8), wib(2026, 5, 26, 23, 59), wib(2026, 12, 26)]
)
def test_working_days_between_undoes_add_working_days(start, days):
    assert CALENDAR.working_days_between(start, CALENDAR.add_working_days(start, days)) == days


def test_how_late_a_turn_is():
    due = CALENDAR.add_working_days(wib(2026, 5, 26, 10), 1)  # end of Fri 29 May
    assert CALENDAR.working_days_between(due, wib(2026, 6, 2, 9)) == 1  # Mon 1 Jun is a holiday
    saturday = wib(2026, 5, 30, 9)
    assert saturday > due
    assert CALENDAR.working_days_between(due, saturday) == 0  # late, by no working day
    assert CALENDAR.working_days_between(due, wib(2026, 5, 29, 15)) == 0  # on time


# --- regional days off --------------------------------------------------------------------------


def test_regional_days_off_from_a_file(tmp_path):
    path = tmp_path / "libur-daerah.txt"
    path.write_text(
        "# Kota Contoh, 2026\n\n2026-01-13   Hari Jadi Kota Contoh   # SK Wali Kota\n2026-01-14\n",
        encoding="utf-8",
    )
    calendar = calendar_from_settings(ServiceSettings(calendar_days_off_file=str(path)))
    assert calendar.day_off_reason(date(2026, 1, 13)) == "Hari Jadi Kota Contoh"
    assert calendar.day_off_reason(date(2026, 1, 14)) == REGIONAL_DAY_OFF
    assert calendar.add_working_days(wib(2026, 1, 12, 9), 1) == end_of(date(2026, 1, 15))
    assert CALENDAR.add_working_days(wib(2026, 1, 12, 9), 1) == end_of(date(2026, 1, 13))


def test_regional_days_off_from_the_setting_and_the_file_together(tmp_path):
    path = tmp_path / "days-off"
    path.write_text("2026-01-13 from the file\n", encoding="utf-8")
    settings = ServiceSettings(
        calendar_days_off="2026-01-14, 2026-01-15 Pilkada ulang", calendar_days_off_file=str(path)
    )
    calendar = calendar_from_settings(settings)
    working = [calendar.is_working_day(date(2026, 1, d)) for d in (12, 13, 14, 15)]
    assert working == [True, False, False, False]
    assert calendar.days_off(2026)[date(2026, 1, 15)] == "Pilkada ulang"
    # 13-15 regional, 16 Isra Mikraj, 17-18 weekend: due Monday 19.
    assert calendar.add_working_days(wib(2026, 1, 12, 9), 1) == end_of(date(2026, 1, 19))


def test_the_setting_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("CALENDAR_DAYS_OFF", "2026-04-07 Hari Jadi")
    calendar = calendar_from_settings(ServiceSettings())
    assert calendar.day_off_reason(date(2026, 4, 7)) == "Hari Jadi"


def test_a_regional_day_on_a_national_holiday_keeps_both_names():
    calendar = WorkingCalendar(extra_days_off={date(2026, 3, 19): "Ogoh-ogoh (Bali)"})
    assert calendar.day_off_reason(date(2026, 3, 19)) == "Hari Suci Nyepi; Ogoh-ogoh (Bali)"
    assert calendar.days_off(2026)[date(2026, 3, 19)] == "Hari Suci Nyepi; Ogoh-ogoh (Bali)"


def test_the_calendar_keeps_its_own_copy_of_the_days_off():
    given = {date(2026, 1, 13): "x"}
    calendar = WorkingCalendar(extra_days_off=given)
    given[date(2026, 1, 14)] = "y"
    assert calendar.is_working_day(date(2026, 1, 14))
    with pytest.raises(TypeError):
        calendar.extra_days_off[date(2026, 1, 15)] = "z"  # type: ignore[index]


def test_a_bad_date_in_the_file_stops_the_start_naming_file_and_line(tmp_path):
    path = tmp_path / "days-off"
    path.write_text("2026-01-13\n13/01/2026 Hari Jadi\n", encoding="utf-8")
    with pytest.raises(CalendarConfigError, match=r"days-off, line 2: '13/01/2026' is not a date"):
        calendar_from_settings(ServiceSettings(calendar_days_off_file=str(path)))


def test_an_impossible_date_in_the_file_stops_the_start(tmp_path):
    path = tmp_path / "days-off"
    path.write_text("2026-02-30\n", encoding="utf-8")
    with pytest.raises(CalendarConfigError, match="line 1: '2026-02-30' is not a real date"):
        calendar_from_settings(ServiceSettings(calendar_days_off_file=str(path)))


def test_a_missing_file_stops_the_start(tmp_path):
    missing = tmp_path / "nowhere.txt"
    with pytest.raises(
        CalendarConfigError, match=r"CALENDAR_DAYS_OFF_FILE .*nowhere\.txt.* cannot be read"
    ):
        calendar_from_settings(ServiceSettings(calendar_days_off_file=str(missing)))


def test_a_bad_date_in_the_setting_fails_when_the_settings_load():
    with pytest.raises(ValidationError, match="CALENDAR_DAYS_OFF, item 2: '2026-1-14'"):
        ServiceSettings(calendar_days_off="2026-01-13,2026-1-14")


def test_only_dates_written_yyyy_mm_dd_are_accepted():
    with pytest.raises(CalendarConfigError):
        parse_days_off("20260113", "x")  # fromisoformat would take it; an operator typo
    assert parse_days_off(" , 2026-01-13 ,", "x", separator=",") == {
        date(2026, 1, 13): REGIONAL_DAY_OFF
    }


# --- fast mode ----------------------------------------------------------------------------------


def test_fast_mode_a_working_day_lasts_the_given_seconds_and_every_day_counts():
    fast = calendar_from_settings(ServiceSettings(calendar_seconds_per_working_day=10))
    saturday = wib(2026, 3, 21, 10)  # Idul Fitri, a Saturday: no day off in fast mode
    assert fast.add_working_days(saturday, 3) == saturday + timedelta(seconds=30)
    assert fast.working_days_between(saturday, saturday + timedelta(seconds=29.999)) == 2
    assert fast.working_days_between(saturday, saturday + timedelta(seconds=30)) == 3
    assert fast.working_days_between(saturday + timedelta(seconds=30), saturday) == -3


def test_fast_mode_arithmetic_is_exact_for_fractional_seconds():
    fast = WorkingCalendar(seconds_per_working_day=0.1)
    start = wib(2026, 1, 5, 9)
    for days in range(1, 50):
        assert fast.working_days_between(start, fast.add_working_days(start, days)) == days


def test_fast_mode_must_be_positive():
    with pytest.raises(ValidationError):
        ServiceSettings(calendar_seconds_per_working_day=0)
    with pytest.raises(ValueError, match="positive"):
        WorkingCalendar(seconds_per_working_day=1e-9)


def test_default_settings_give_the_real_wib_calendar():
    calendar = calendar_from_settings(ServiceSettings())
    assert calendar.zone == WIB
    assert calendar.seconds_per_working_day is None
    assert not calendar.extra_days_off
    assert calendar.add_working_days(wib(2026, 1, 9, 9), 1) == end_of(date(2026, 1, 12))
