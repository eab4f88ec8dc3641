"""Rule functions register here with the catalogue codes they report."""

from __future__ import annotations

from collections.abc import Callable

from docscreen.checks.catalogue import CATALOGUE
from docscreen.checks.context import RuleInput
from docscreen.models import Finding

RuleFn = Callable[[RuleInput], list[Finding]]

RULES: list[tuple[tuple[str, ...], RuleFn]] = []


def rule(*codes: str) -> Callable[[RuleFn], RuleFn]:
    """Register a rule function reporting ``codes`` (each must be in the catalogue)."""
    for code in codes:
        if code not in CATALOGUE:
            raise KeyError(f"rule code {code!r} is not in the catalogue")

    def wrap(fn: RuleFn) -> RuleFn:
        RULES.append((codes, fn))
        return fn

    return wrap
