"""Field-level interpretation of MRZ text: names, codes, sex, optional data, document numbers."""

from __future__ import annotations

from dataclasses import dataclass

from docscreen.mrz.formats import MRZ_ALPHABET

SEX_VALUES = {"M": "M", "F": "F", "X": "X", "<": "X"}
"""Printed sex -> value; ICAO's '<' (unspecified) is reported as X like the VIZ."""


@dataclass(frozen=True)
class Names:
    surname: str
    given_names: str
    truncated: bool  # the name field is full to its last column: the issuer may have cut it
    bad_characters: bool  # anything but A-Z and '<' (digits, national letters such as Ñ)


def words(raw: str) -> str:
    """'<'-separated name components as space-separated words (whitespace normalised)."""
    return " ".join(raw.replace("<", " ").split())


def split_names(raw: str) -> Names:
    """Split a name field at its first '<<' into primary and secondary identifiers.

    ICAO truncates names that do not fit and then the field is filled to its last position, so a
    field that does not end in '<' may hold a cut name (which is why cross-checks against the VIZ
    must compare prefixes there).
    """
    surname, sep, given = raw.partition("<<")
    return Names(
        surname=words(surname),
        given_names=words(given) if sep else "",
        truncated=bool(raw) and raw[-1] != "<",
        bad_characters=any(c not in MRZ_ALPHABET or c.isdigit() for c in raw),
    )


def strip_fillers(raw: str) -> str:
    """An alphanumeric field's value: its characters without leading and trailing fillers."""
    return raw.strip("<")


def document_type_ok(raw: str) -> bool:
    """A document code is a letter followed by a letter or '<' (P<, ID, VC, I<, AC, ...)."""
    return len(raw) == 2 and raw[0].isalpha() and (raw[1].isalpha() or raw[1] == "<")


@dataclass(frozen=True)
class DocumentNumber:
    """A document number, continued into the optional data when longer than nine characters."""

    value: str
    raw: str
    check_digit: str
    overflow: str  # the printed continuation including its check digit, "" when none
    rest: str  # what remains of the optional-data area after the continuation

    @property
    def check_data(self) -> tuple[str, ...]:
        """What the check digit may be computed over.

        For a continued number issuers differ: most compute it over the number itself, some
        (Belgian cards) over the printed characters including the '<' in the check-digit column.
        ICAO's worked example gives the same digit both ways, so both are accepted.
        """
        if not self.overflow:
            return (self.raw,)
        return (self.value, self.raw[:-1])


def document_number(field: str, check: str, optional: str | None) -> DocumentNumber:
    """Read the document number, following the TD1/TD2 long-number rule when it applies.

    ICAO 9303 parts 5 and 6: when the number has more than nine characters, the check-digit
    position holds '<', the remaining characters continue at the start of the optional data,
    followed by the check digit (computed over the whole number) and a filler.
    """
    if optional is not None and check == "<" and optional[:1] not in ("", "<"):
        run = optional.split("<", 1)[0]
        if len(run) >= 2:
            rest = optional[len(run) :]
            return DocumentNumber(
                value=field + run[:-1],
                raw=field + check + run,
                check_digit=run[-1],
                overflow=run,
                rest=rest,
            )
    return DocumentNumber(
        value=strip_fillers(field),
        raw=field,
        check_digit=check,
        overflow="",
        rest=optional or "",
    )
