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
        "- Image (pixel) findings never raise ALERT on their own. Every `TAMPER-*` code is LOW by",
        "  default. The field-level signals (seam, glyphs, copy-move, photo) are near chance on",
        "  realistic captures (`benchmarks/RESULTS.md`, tamper_detection): one or two are shown as",
        f"  evidence with their regions; {p.review_pixel_count} failing together in one bundle (each signal on each",
        "  document counts) raise REVIEW (policy `review.pixel_count`, 0 = never); those on a",
        "  document captured as a photocopy or from a screen do not count (that capture alone upsets",
        "  texture and colour).",
        "- The capture findings `TAMPER-PHOTOCOPY` and `TAMPER-RECAPTURE` are reliable but say how the",
        '  image was taken, not that the document is forged: they are listed ("ask for the original")',
        "  without raising the risk, so a genuine document photocopied or photographed from a screen",
        "  is not sent to a second look. A post that must see originals sets them to MEDIUM:",
        '  `{"severity": {"TAMPER-PHOTOCOPY": "MEDIUM", "TAMPER-RECAPTURE": "MEDIUM"}}`.',
        "- Reading defects are not forgeries: printed values read below",
        f"  {Thresholds().min_read_confidence}% confidence (threshold `min_read_confidence`; the NIK, which checks itself, and typed",
        "  values excepted) are withheld from the rules, which then say `not_performed`; name tokens",
        "  that look like OCR debris (one or two letters, no vowel, digits inside) and values that are",
        "  the start or end of an official word (`TEN` of KRISTEN) do not count as differences.",
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
