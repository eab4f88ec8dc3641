"""Plain data passed between the batch parent and its workers (all picklable)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from docscreen.imaging.load import LoadedImage
from docscreen.models import JsonDict, ScreeningContext, ScreeningReport

Screener = Callable[[Sequence[LoadedImage], ScreeningContext], ScreeningReport]
"""Screens the pages of one document (or of one traveller's bundle) into a report.

Injected into the workers, so it must be picklable: a module-level function."""


@dataclass(frozen=True)
class Member:
    """One input file of a unit, read by the parent: its label, content hash and bytes."""

    file: str
    sha256: str
    data: bytes


@dataclass(frozen=True)
class WorkUnit:
    """What one worker call screens: one document file, or one traveller's files as a bundle.

    ``key`` identifies the unit across runs: the content hash of a single file, or a hash over
    the traveller id and the content hashes of a bundle's files.
    """

    key: str
    members: tuple[Member, ...]
    bundle: bool = False
    traveller: str | None = None
    context: ScreeningContext = field(default_factory=ScreeningContext)

    @property
    def label(self) -> str:
        if self.bundle:
            return f"traveller {self.traveller}"
        return self.members[0].file if self.members else self.key

    @property
    def size(self) -> int:
        return sum(len(m.data) for m in self.members)


@dataclass(frozen=True)
class UnitResult:
    """What screening one unit produced: result rows and per-file/page error rows."""

    rows: tuple[JsonDict, ...] = ()
    errors: tuple[JsonDict, ...] = ()


class TransientUnitError(Exception):
    """Raised by the per-unit work when trying again may help (tesseract killed or timed out)."""


@dataclass(frozen=True)
class Failure:
    """A unit whose worker crashed or hung; retried up to the attempt limit."""

    reason: str
    retryable: bool = True


@dataclass(frozen=True)
class Outcome:
    """The final word on one unit from an executor: a result, or a failure after all attempts."""

    unit: WorkUnit
    result: UnitResult | None
    failure: Failure | None = None
    attempts: int = 1
    seconds: float = 0.0


UnitTask = Callable[[WorkUnit], UnitResult]
"""The per-unit work an executor runs (picklable: a module-level function or a partial of one)."""
