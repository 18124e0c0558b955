"""How a plan writes its numbers and dates: Roman numerals, the Vietnamese alphabet, "1.1."
under "1.", the document number and the place-and-date line of Nghị định 30."""

from __future__ import annotations

from .model import PartialDate

BLANK = "      "  # what a draft leaves for the office to fill in after signing
VI_ALPHABET = tuple("abcdđeghiklmnopqrstuvxy")  # the Vietnamese alphabet has no f, j, w, z



_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
          (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def roman(n: int) -> str:
    """``14`` → ``XIV`` (any positive number)."""
    out = []
    for value, letters in _ROMAN:
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def alpha(n: int) -> str:
    """The ``n``-th (1-based) letter of the Vietnamese alphabet: a, b … y, then aa, ab …"""
    k = len(VI_ALPHABET)
    out = ""
    while n > 0:
        n, r = divmod(n - 1, k)
        out = VI_ALPHABET[r] + out
    return out


def label(fmt: str, n: int, parent: str = "") -> str:
    """The number of the ``n``-th item (1-based) in format ``fmt`` ("I.", "1.", "1.1.",
    "a)", "-", "+" or ""); "1.1." continues the ``parent`` number ("2." → "2.1.")."""
    if fmt == "I.":
        return f"{roman(n)}."
    if fmt == "1.":
        return f"{n}."
    if fmt == "1.1.":
        base = parent.rstrip(".)").strip()
        return f"{base}.{n}." if base and base not in ("-", "+") else f"{n}."
    if fmt == "a)":
        return f"{alpha(n)})"
    return fmt  # "-", "+" or "" (no number)


def format_date_line(place: str, date: PartialDate, year: int | None = None) -> str:
    """``Tân An, ngày 05 tháng 5 năm 2026``; leading 0 for days < 10 and months 1 and 2 only.
    A blank year is ``year`` (the city plan's) when given: "ngày      tháng      năm 2026"."""
    day = f"{date.day:02d}" if date.day else BLANK
    if date.month is None:
        month = BLANK
    elif date.month <= 2:
        month = f"{date.month:02d}"
    else:
        month = str(date.month)
    y = date.year or year
    return f"{place}, ngày {day} tháng {month} năm {y if y else BLANK}"


def format_number(number: str | None, symbol: str) -> str:
    """``05/KH-UBND`` (leading 0 below 10), or ``      /KH-UBND`` in a draft."""
    if not number:
        return f"{BLANK}/{symbol}"
    n = int(number)
    return f"{n:02d}/{symbol}" if n < 10 else f"{n}/{symbol}"
