"""ICAO 9303 check digit: weights 7-3-1 over character values (0-9, A=10..Z=35, '<'=0)."""

from __future__ import annotations

_WEIGHTS = (7, 3, 1)


def char_value(ch: str) -> int | None:
    """Value of one MRZ character, or None when the character is not in the MRZ alphabet."""
    if "0" <= ch <= "9":
        return ord(ch) - 48
    if "A" <= ch <= "Z":
        return ord(ch) - 55
    if ch == "<":
        return 0
    return None


def check_digit(data: str) -> str | None:
    """The check digit of ``data`` as a one-character string, or None if ``data`` has a bad char."""
    total = 0
    for i, ch in enumerate(data):
        v = char_value(ch)
        if v is None:
            return None
        total += v * _WEIGHTS[i % 3]
    return str(total % 10)


def is_valid(data: str, digit: str) -> bool:
    """True when ``digit`` is the check digit of ``data``.

    ICAO allows '<' as the check digit of an empty (all-filler) field, where it stands for 0.
    """
    expected = check_digit(data)
    if expected is None:
        return False
    if digit == "<":
        return expected == "0" and set(data) <= {"<"}
    return digit == expected
