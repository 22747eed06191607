"""Amounts in Indonesian words (*terbilang*) and figures, and dates, as government letters
write them.

Pure and standard-library only: ``terbilang(97_760_000)`` is ``"sembilan puluh tujuh juta tujuh
ratus enam puluh ribu"``, ``terbilang_rupiah`` adds ``"rupiah"``, ``rupiah(97_760_000)`` is
``"Rp97.760.000"``, ``tanggal(date(2026, 3, 2))`` is ``"2 Maret 2026"``. The words follow KBBI
usage: *se-* for one of ten, a hundred and a thousand (``sepuluh``, ``sebelas``, ``seratus``,
``seribu``) but ``satu juta``, ``satu miliar``.
"""

from datetime import date

ONES = (
    "nol",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
)
# 10^3, 10^6, ... named up to 10^15; larger amounts are said in thousands of trillions.
SCALES = ((10**15, "kuadriliun"), (10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"))


def _below_thousand(n: int) -> list[str]:
    """0 < n < 1000 in words."""
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds == 1:
        words.append("seratus")
    elif hundreds:
        words += [ONES[hundreds], "ratus"]
    if rest == 0:
        return words
    if rest < 10:
        words.append(ONES[rest])
    elif rest == 10:
        words.append("sepuluh")
    elif rest == 11:
        words.append("sebelas")
    elif rest < 20:
        words += [ONES[rest - 10], "belas"]
    else:
        tens, ones = divmod(rest, 10)
        words += [ONES[tens], "puluh"]
        if ones:
            words.append(ONES[ones])
    return words


def _words(n: int) -> list[str]:
    """0 < n in words."""
    for scale, name in SCALES:
        if n >= scale:
            high, rest = divmod(n, scale)
            return [*_words(high), name, *(_words(rest) if rest else [])]
    thousands, rest = divmod(n, 1000)
    words: list[str] = []
    if thousands == 1:
        words.append("seribu")
    elif thousands:
        words += [*_below_thousand(thousands), "ribu"]
    if rest:
        words += _below_thousand(rest)
    return words


def terbilang(n: int) -> str:
    """``n`` in Indonesian words, lower case (``minus`` before a negative amount)."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"terbilang takes a whole number, not {type(n).__name__}")
    if n == 0:
        return ONES[0]
    if n < 0:
        return "minus " + terbilang(-n)
    return " ".join(_words(n))


def terbilang_rupiah(n: int) -> str:
    """``n`` rupiah in words: ``"seratus ribu rupiah"``."""
    return f"{terbilang(n)} rupiah"


def rupiah(n: int) -> str:
    """``n`` rupiah in figures, thousands separated by dots: ``"Rp97.760.000"``."""
    figures = f"{abs(n):,}".replace(",", ".")
    return f"-Rp{figures}" if n < 0 else f"Rp{figures}"


MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def tanggal(day: date) -> str:
    """A date as Indonesian letters write it: ``"2 Maret 2026"``."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def hari(day: date) -> str:
    """The day of the week in Indonesian: ``"Senin"`` for a Monday."""
    return DAYS[day.weekday()]
