"""Forgery operators (placeholder; filled in next)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from docscreen.specimens.kinds import Rendered

OPERATORS: tuple[str, ...] = ()
BUNDLE_OPERATORS: tuple[str, ...] = ()


@dataclass
class ForgeryResult:
    operator: str
    image: NDArray[np.uint8]
    mask: NDArray[np.uint8]
    altered_fields: list[str]
    values: dict[str, str]
    texts: dict[str, str] = field(default_factory=dict)
    boxes: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)
    mrz_lines: list[str] | None = None
    details: dict[str, Any] = field(default_factory=dict)


def apply_forgery(
    operator: str, r: Rendered, rng: random.Random, *, seed: int, options_today: dt.date
) -> ForgeryResult:
    raise ValueError(f"unknown forgery {operator!r}")


def applicable(operator: str, kind: str) -> bool:
    return False
