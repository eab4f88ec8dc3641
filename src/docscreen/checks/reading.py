"""Reading defects are not forgeries: what the rules may trust of a document read from an image.

A rule that compares a value the reader got wrong would report a forgery that is not there.  Two
kinds of evidence say a reading is unsure:

- the reader's own confidence: a printed field read below ``min_read_confidence`` (percent, a
  policy threshold) is withheld from the rules, which then say ``not_performed`` ("not read")
  instead of ``fail``.  Fields that check themselves (the NIK: 16 digits, region, date) and values
  an officer typed in are exempt;
- the shape of a name: tokens an OCR engine leaves behind when it mangles a name (one or two
  letters, no vowel, digits or punctuation inside) are not evidence that a name differs.

The documents in the report keep every value as read; only the rules see the trusted view.
"""

from __future__ import annotations

import re
from dataclasses import replace

from docscreen.checks.context import Thresholds
from docscreen.models import Document, Field, FieldSource

# Fields whose own structure shows a misreading (the rules check it), so confidence is not needed.
SELF_CHECKING = frozenset({"nik", "kk_number"})
_SHORT_OK = frozenset({"AL", "EL", "NG", "OH", "YU"})  # real two-letter name parts


def low_confidence(f: Field, thresholds: Thresholds) -> bool:
    """True when the reader itself doubts this printed value."""
    if f.value is None or f.source is FieldSource.ENTERED or f.source is FieldSource.MRZ:
        return False
    if f.name in SELF_CHECKING:
        return False
    return f.confidence < thresholds.min_read_confidence / 100.0


def trusted(doc: Document, thresholds: Thresholds) -> Document:
    """``doc`` with the values its reader doubted withheld (value None, raw text kept)."""
    doubtful = {n: f for n, f in doc.fields.items() if low_confidence(f, thresholds)}
    if not doubtful:
        return doc
    fields = dict(doc.fields)
    for name, f in doubtful.items():
        fields[name] = replace(f, value=None)
    return replace(doc, fields=fields)


def trusted_documents(docs: tuple[Document, ...], thresholds: Thresholds) -> tuple[Document, ...]:
    return tuple(trusted(d, thresholds) for d in docs)


def mangled(token: str) -> bool:
    """A name token that looks like OCR debris rather than a name part: one or two letters (other
    than common particles), no vowel in three or more letters, or digits/punctuation inside."""
    t = token.upper().strip(".,;:'\"-")
    if not t:
        return True
    if re.search(r"[^A-Z]", t):
        return True
    if len(t) <= 2:
        return t not in _SHORT_OK
    return not re.search(r"[AEIOUY]", t)


def mangled_tokens(tokens: tuple[str, ...] | list[str]) -> list[str]:
    return [t for t in tokens if mangled(t)]


def name_misread(unmatched: tuple[str, ...], extra: tuple[str, ...]) -> str | None:
    """Why a name difference is more likely a misreading than another name, or None.

    ``unmatched``: tokens of the reference name (MRZ or the other document) not found in the
    reading; ``extra``: tokens of the reading left over.  When every leftover token of the
    reading is debris, the reading is incomplete, not different."""
    if not unmatched:
        return None
    junk = mangled_tokens(list(extra))
    if extra and len(junk) == len(extra):
        return "name misread: left-over tokens " + " ".join(extra) + " look like OCR debris"
    return None


def names_misread(unmatched: tuple[str, ...], extra: tuple[str, ...]) -> str | None:
    """Two readings of one name (passport / KTP): why they differ only by debris, or None.

    ``unmatched``: tokens of the shorter name not found in the longer; ``extra``: tokens of the
    longer left over (one is allowed: a patronymic or family name one document omits).  When all
    the shorter name's left-over tokens are debris (its real tokens all agree, or it was read as
    debris only), or the longer one has at most one real token left over, nothing real disagrees."""
    if not unmatched and len(extra) <= 1:
        return None
    real_unmatched = [t for t in unmatched if not mangled(t)]
    real_extra = [t for t in extra if not mangled(t)]
    if (unmatched and not real_unmatched) or (not unmatched and len(real_extra) <= 1):
        junk = mangled_tokens([*unmatched, *extra])
        return "name misread: left-over tokens " + " ".join(junk) + " look like OCR debris"
    return None
