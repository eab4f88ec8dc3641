"""Render the rule catalogue as Markdown: ``python -m docscreen.checks.rules_doc > docs/RULES.md``."""

from __future__ import annotations

import sys
from dataclasses import fields

from docscreen.checks.catalogue import CATALOGUE, CSV
from docscreen.checks.context import Thresholds
from docscreen.checks.policy import Policy


def render() -> str:
    p = Policy()
    out = [
        "# Screening rules",
        "",
        "Generated from `docscreen.checks.catalogue` by `python -m docscreen.checks.rules_doc`.",
        "Each rule reports `fail`, `pass` or `not_performed` (with the reason) for every screening.",
        "Codes are stable; the Indonesian rules keep the codes and default severities of the",
        "specification (`crosscheck_rules.csv`).",
        "",
        "## Risk policy (default)",
        "",
        f"- ALERT: {p.alert_critical} CRITICAL fault, or {p.alert_high} faults at HIGH or above.",
        f"- REVIEW: any fault at {p.review_min_severity.value} or above.",
        "- Rules sharing a *group* report one underlying fault and count once.",
        "- Image-tamper (pixel) findings never raise ALERT on their own.",
        "- Override with a JSON policy file (`DOCSCREEN_POLICY`): thresholds, per-rule severity,",
        "  heuristic thresholds, disabled rules (see `docscreen/checks/policy.py`).",
        "",
        "## Rules",
        "",
        "| code | severity | applies to | group | message (id) | message (en) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in CATALOGUE.values():
        flag = " (pixel)" if r.pixel else ""
        out.append(
            f"| `{r.code}` | {r.severity.value}{flag} | {', '.join(r.applies_to)} | {r.group or '-'} "
            f"| {r.message_id} | {r.message_en} |"
        )
    out += [
        "",
        "## Rules needing data the documents cannot give",
        "",
        "These are implemented but report `not_performed` (with the reason) until the data exists:",
        "",
    ]
    for r in CATALOGUE.values():
        if r.needs:
            out.append(f"- `{r.code}`: needs {r.needs}.")
    out += [
        "- `KK-01`..`KK-06`, `KTP-06` (marriage date), `KK-02b`: need a Kartu Keluarga, usually typed in",
        "  by the officer as a document of kind `idn_kk` (fields `member.<n>.<attribute>`).",
        "- `PMI-01`: applies to departures for work (`--purpose work`, a placement type or contract);",
        "  for other travellers an under-18 traveller is reported by `AGE-MINOR` (INFO).",
        "- `PMI-08` always passes: a missing E-KTKLN/E-PMI card is not an error.",
        "",
        "## Heuristic thresholds (policy `thresholds`)",
        "",
        "| name | default |",
        "| --- | --- |",
    ]
    for f in fields(Thresholds):
        out.append(f"| `{f.name}` | {f.default} |")
    n_csv = sum(1 for r in CATALOGUE.values() if r.source == CSV)
    out += ["", f"{len(CATALOGUE)} rules, {n_csv} of them from the Indonesian specification.", ""]
    return "\n".join(out)


if __name__ == "__main__":
    sys.stdout.write(render())
