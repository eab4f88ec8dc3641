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
        "- One-character slips: a printed date or number that differs from what it is compared with",
        "  (the MRZ, the NIK, the other document) by one character only, and that was read below",
        f"  {Thresholds().min_mismatch_confidence}% confidence (threshold `min_mismatch_confidence`; a look that gives no confidence counts",
        "  as below), is withheld with the reason (`not_performed`): a reader slips on one character,",
        "  a forger changes what the value says (a birth year, days and month; another number). The",
        "  same difference read confidently still fails. This applies to MRZ-VIZ-BIRTH/-EXPIRY/-NUMBER",
        "  (and PP-03), PP-06/PP-06b, KTP-02/KTP-02b, the birth dates of BUNDLE-01, and a passport",
        "  issue date one character from the expiry less 5 or 10 years (ICAO-VALIDITY,",
        "  ICAO-ISSUE-EXPIRY, PP-05, PP-12). KTP-08 rises to MEDIUM only when two off-vocabulary",
        "  values were read at or above that confidence.",
        "- Other reading defects withheld: one date read into two date fields of a document (issue =",
        "  expiry, birth = issue); a name holding a run of digits or a word of the layout (a number",
        "  line or INDONESIA read as the name), or a lone name scrap of three letters or fewer read",
        "  below `min_mismatch_confidence` (BUN); a name whose tokens all appear in the other, longer",
        "  name, read below that confidence, is an incomplete reading (PP-08), and so is a name",
        "  whose left-over tokens (4 letters or more) are the starts of the other's (WIDIAST of",
        "  WIDIASTUTI) read below that confidence; a",
        "  name token that is the other reading's token without its last letter (`PUT` for PUTI, `EL`",
        "  for ELI) matches it; one word of a place name (`BARAT` of SEMAU BARAT) that fits under the",
        "  printed parent region is a partial reading for KTP-03, not an impossible address.",
        "- A printed name that shares no token with the MRZ name and was read below",
        f"  {Thresholds().min_name_confidence}% confidence (threshold `min_name_confidence`) is unreadable, not another name",
        "  (MRZ-VIZ-NAME and PP-03 say `not_performed`); a birthplace holding a caption word",
        "  (`HABIS BERLAKU OF EXP`, `TEMPAT LAHIR`), a word of another line (`INDONESIA`, `PEREMPUAN`)",
        "  or the holder's name was read off another line and is not compared (PP-09).",
        "- An MRZ name field with letters after a run of three or more fillers (`HARYZ<<<<<OYAN`)",
        "  breaks the ICAO layout: it was misread, not edited (MRZ-VIZ-NAME, PP-03 `not_performed`).",
        "  A name token that is two tokens of the other reading run together (`KANIRIYANTI` for",
        "  KANI RIYANTI) is the same name. A KTP value that is another line's official value",
        "  (`KAWIN` under religion, `SEUMUR HIDUP` under nationality) was read one line off and is",
        "  not an off-vocabulary value (KTP-08). A province read with a debris word in place of its",
        "  last one (`NUSA TENGGARA A`) may be any province with the words read, and the start of",
        "  a place name (`BAKUN` of BAKUNASE DUA) is a partial reading (KTP-03); birthplaces are also",
        "  compared without spaces (`WAING APU`, PP-09). A name token the reading repeats is no",
        "  extra name part (PP-08). A name reading that is the field's caption, whole or a letter",
        "  off per word with at least one caption word exact (`MAMA LENGKAP FUL NAME`, `ULL NAME`),",
        "  is no name. A KTP NIK whose province digits are no code and one digit from the card's",
        "  printed province (`55` under NUSA TENGGARA TIMUR, 53) was misread: the whole NIK is",
        '  withheld (NIK-*, KTP-01/02 `not_performed`, "withheld as a misreading").',
        "- `PP-11` (passport issued within `just_in_time_days` after the KTP/KK) is LOW when alone,",
        "  a departure from the specification's MEDIUM: its condition is a *first* passport, which a",
        "  data page does not show, and the specification calls the same pattern seen from the KTP",
        "  (KTP-09) informative only alone. With the passport issued outside the KTP province (PP-10",
        "  failing) it is MEDIUM. A post that wants it alone to raise REVIEW sets",
        '  `{"severity": {"PP-11": "MEDIUM"}}`.',
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
