"""Screening: one traveller's documents -> findings -> a risk level an officer can act on.

``screen`` accepts images (paths, bytes, decoded images), JSON documents (``*.json`` in the
``Document.to_dict`` shape or generator truth) or ``Document`` objects, so the rules can be used
without the image readers.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from docscreen.checks.context import RuleInput
from docscreen.checks.docio import document_from_dict
from docscreen.checks.engine import run_rules
from docscreen.checks.policy import RANK, Policy, apply_policy, decide, load_policy
from docscreen.checks.records import case_evidence
from docscreen.errors import ConfigurationError, DocscreenError, InputError
from docscreen.indonesia.regions import RegionTable, load_regions
from docscreen.models import Document, Finding, ScreeningContext, ScreeningReport, Status

log = logging.getLogger(__name__)

_STATUS_ORDER = {Status.FAIL: 0, Status.PASS: 1, Status.NOT_PERFORMED: 2}


class _Configured:
    """Sentinel: use the operator's configuration (environment)."""


CONFIGURED = _Configured()


def load_json_documents(path: Path) -> list[Document]:
    """Documents from a JSON file: one object, a list, or JSON lines."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from exc
    try:
        data: Any = json.loads(text)
        items = data if isinstance(data, list) else [data]
    except json.JSONDecodeError:
        try:
            items = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}: not JSON ({exc.msg})") from exc
    docs = []
    for item in items:
        try:
            docs.append(document_from_dict(item))
        except InputError as exc:
            raise InputError(f"{path}: {exc}") from exc
        except (TypeError, ValueError, KeyError) as exc:
            raise InputError(f"{path}: not a document ({exc})") from exc
    return docs


def read_inputs(inputs: Iterable[Any]) -> list[tuple[Document, Any]]:
    """Documents from images, JSON files or Documents, each with its decoded pixels (None for
    documents given as data).  Images go through the document reader."""
    out: list[tuple[Document, Any]] = []
    for item in inputs:
        if isinstance(item, Document):
            out.append((item, None))
        elif isinstance(item, str | Path) and str(item).lower().endswith((".json", ".jsonl")):
            out += [(d, None) for d in load_json_documents(Path(item))]
        else:
            try:
                from docscreen.documents.read import read_document
                from docscreen.imaging.load import LoadedImage, load_image
            except ImportError as exc:  # pragma: no cover - the reader ships with the package
                raise ConfigurationError("the document reader is not available") from exc
            loaded = item if isinstance(item, LoadedImage) else load_image(item)
            out.append((read_document(loaded), loaded.pixels))
    return out


def tamper_findings(read: list[tuple[Document, Any]]) -> list[Finding]:
    """Image-tamper signals of every document given as an image (none when forensics is absent)."""
    try:
        from docscreen.forensics import tamper_findings as forensic
    except ImportError:
        return []
    out: list[Finding] = []
    for index, (doc, pixels) in enumerate(read):
        if pixels is None:
            continue
        try:
            out += forensic(pixels, doc, index=index)
        except DocscreenError as exc:
            log.warning("tamper analysis failed for document %d: %s", index, exc)
    return out


def _store_from_env() -> str | None:
    return os.environ.get("DOCSCREEN_DB_URL") or None


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Failures first, most severe first; then passes; then rules not performed."""
    return sorted(findings, key=lambda f: (_STATUS_ORDER[f.status], -RANK[f.severity]))


def screen(
    inputs: Any,
    context: ScreeningContext | None = None,
    *,
    store: Any = None,
    policy: Policy | None = None,
    regions: RegionTable | _Configured | None = CONFIGURED,
    forensics: bool = True,
    pixel_findings: Sequence[Finding] | None = None,
) -> ScreeningReport:
    """Screen one traveller's documents (a bundle) and return the report.

    ``store``: a ``docscreen.cases`` CaseStore, a database URL, None (use ``DOCSCREEN_DB_URL`` when
    set) or False (no case matching).  ``policy`` defaults to ``DOCSCREEN_POLICY`` or the built-in
    policy; ``regions`` to the list at ``DOCSCREEN_REGION_CODES`` (None: no list).  Documents given
    as images also get the image-tamper findings (``forensics=False`` skips them);
    ``pixel_findings`` are image-tamper findings computed earlier (for example saved with the
    readings): they take the place of running forensics."""
    start = time.perf_counter()
    items: Sequence[Any] = inputs if isinstance(inputs, list | tuple) else [inputs]
    context = context or ScreeningContext()
    read = read_inputs(items)
    documents = tuple(doc for doc, _ in read)
    t_read = time.perf_counter()
    if pixel_findings is not None:
        tamper = list(pixel_findings)
    else:
        tamper = tamper_findings(read) if forensics else []
    t_forensics = time.perf_counter()
    policy = policy or load_policy()
    table = load_regions() if isinstance(regions, _Configured) else regions
    if store is None:
        store = _store_from_env()
    records = case_evidence(documents, store) if store else None
    t_cases = time.perf_counter()
    inp = RuleInput(documents, context, policy.thresholds, table, records)
    findings = run_rules(inp, policy)
    if tamper:
        done = {f.code for f in tamper}
        findings = [f for f in findings if f.code not in done] + apply_policy(tamper, policy)
    findings = sort_findings(findings)
    decision = decide(findings, policy)
    end = time.perf_counter()
    return ScreeningReport(
        risk=decision.risk,
        findings=tuple(findings),
        matches=records.matches if records is not None else (),
        documents=documents,
        timings={
            "read": t_read - start,
            "forensics": t_forensics - t_read,
            "cases": t_cases - t_forensics,
            "rules": end - t_cases,
        },
        seconds=end - start,
    )
