"""Run every registered rule over one traveller's documents."""

from __future__ import annotations

import logging
from dataclasses import replace

# Imported for their @rule registrations.
from docscreen.checks import (  # noqa: F401
    rules_icao,
    rules_kk,
    rules_ktp,
    rules_passport,
    rules_traveller,
)
from docscreen.checks.catalogue import CATALOGUE
from docscreen.checks.context import RuleInput
from docscreen.checks.policy import Policy, apply_policy
from docscreen.checks.reading import trusted_documents
from docscreen.checks.registry import RULES
from docscreen.checks.result import skipped
from docscreen.models import Finding

log = logging.getLogger(__name__)

IMAGE_CODES = frozenset(c for c in CATALOGUE if c.startswith("TAMPER-"))


def run_rules(inp: RuleInput, policy: Policy | None = None) -> list[Finding]:
    """Findings of every catalogue rule (each code at least once), policy overrides applied.

    A rule that breaks on odd input reports ``not_performed`` for its codes instead of failing the
    whole screening: a bug in one rule must not hide the others' findings.  Printed values the
    reader doubted are withheld from the rules (``checks.reading``): a misreading is not a forgery."""
    inp = replace(inp, documents=trusted_documents(inp.documents, inp.thresholds))
    out: list[Finding] = []
    for codes, fn in RULES:
        try:
            found = fn(inp)
        except Exception as exc:  # isolate one rule's defect
            log.exception("rule %s failed", "/".join(codes))
            found = [skipped(c, f"rule error: {type(exc).__name__}") for c in codes]
        seen = {f.code for f in found}
        found += [skipped(c, "not applicable") for c in codes if c not in seen]
        out += found
    missing = [c for c in CATALOGUE if c not in {f.code for f in out}]
    # Image-tamper codes come from docscreen.forensics when screening images (see screening.py).
    out += [
        skipped(c, "needs the document image (image forensics)")
        if c in IMAGE_CODES
        else skipped(c, "no rule function registered")
        for c in missing
    ]
    return apply_policy(out, policy or Policy())
