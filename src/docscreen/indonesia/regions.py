"""History-aware lookup of Indonesian region codes (Kemendagri "Kode Wilayah").

The list is operator data: ``DOCSCREEN_REGION_CODES`` names a CSV ``code,name,level``.  Tables read
from the same folder when present:

- ``wilayah_kecamatan_history.csv`` (``code,name_latest,level,first_list,last_list,in_lists,current``):
  every code of the 2016-2025 lists.  A NIK keeps the code of first registration for life, so a code
  retired since is still a valid NIK prefix.
- ``wilayah_code_changes_papua.csv`` (``old_code,old_name,new_code,new_name,level,old_list``): the
  2022 Papua re-coding (old 91xx/92xx codes and their successors).
- ``ntt_regency_splits.csv`` (``child_code,child_name,parent_code,parent_name,year,...``): NTT regencies
  split since 1999; people registered before a split keep the parent's code, often with a district
  number that no list since 2016 contains.
- ``wilayah_desa.csv`` (``code,name,level,village_type,district_code``): villages, loaded lazily.
"""

from __future__ import annotations

import csv
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from rapidfuzz import fuzz

from docscreen import settings
from docscreen.errors import ConfigurationError
from docscreen.indonesia.provinces import PROVINCES

HISTORY_FILE = "wilayah_kecamatan_history.csv"
PAPUA_FILE = "wilayah_code_changes_papua.csv"
SPLITS_FILE = "ntt_regency_splits.csv"
VILLAGES_FILE = "wilayah_desa.csv"

_LEVEL_BY_LENGTH = {2: "province", 4: "regency", 6: "district", 10: "village"}


class CodeStatus(StrEnum):
    CURRENT = "current"  # in the configured (current) list
    RETIRED = "retired"  # in an older list only (still a valid NIK prefix)
    RECODED = "recoded"  # retired with a known successor code (Papua 2022)
    PRE_SPLIT = "pre_split"  # unknown district of a regency split since 1999 (old registrations)
    UNKNOWN = "unknown"  # in no list we have


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    level: str
    current: bool = True
    first_list: str | None = None
    last_list: str | None = None


@dataclass(frozen=True)
class Split:
    child_code: str
    child_name: str
    parent_code: str
    parent_name: str
    year: int


@dataclass(frozen=True)
class CodeLookup:
    """What a code means across the lists: the region, whether it is retired and its successor."""

    code: str
    status: CodeStatus
    region: Region | None = None
    successor: Region | None = None
    splits: tuple[Split, ...] = ()

    @property
    def known(self) -> bool:
        return self.status is not CodeStatus.UNKNOWN

    @property
    def name(self) -> str | None:
        if self.region is not None:
            return self.region.name
        return None

    def explain(self) -> str:
        if self.status is CodeStatus.CURRENT:
            return f"{self.code} = {self.name}"
        if self.status is CodeStatus.RECODED and self.successor is not None:
            return (
                f"{self.code} = {self.name} (retired in {self.region.last_list if self.region else '?'}"
                f" list; now {self.successor.code} {self.successor.name})"
            )
        if self.status is CodeStatus.RETIRED:
            return f"{self.code} = {self.name} (retired code, valid for NIKs issued before)"
        if self.status is CodeStatus.PRE_SPLIT:
            kids = ", ".join(f"{s.child_name} ({s.year})" for s in self.splits)
            return (
                f"{self.code}: district of a regency split since ({kids}); pre-split registration"
            )
        return f"{self.code}: in no Kemendagri list known to docscreen"


def normalise_region_name(name: str) -> str:
    """Upper case, no punctuation, administrative prefixes dropped except the KOTA/KAB distinction."""
    text = re.sub(r"[^A-Z0-9 ]", " ", name.upper())
    text = re.sub(r"\s+", " ", text).strip()
    for prefix in ("PROVINSI ", "PROPINSI ", "KABUPATEN ", "KAB ", "KECAMATAN ", "KEC ", "DESA "):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    for prefix in ("KELURAHAN ", "KEL "):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    return text


def _is_city(name: str) -> bool:
    return name.upper().lstrip().startswith("KOTA ")


@dataclass
class RegionTable:
    """Region codes of every list we know, keyed by code (digits only, no dots)."""

    regions: dict[str, Region]
    recoded: dict[str, str] = field(default_factory=dict)  # old code -> new code
    splits: tuple[Split, ...] = ()
    source: Path | None = None
    villages_path: Path | None = None
    _villages: dict[str, Region] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, code: str) -> Region | None:
        return self.regions.get(_digits(code))

    def lookup(self, code: str) -> CodeLookup:
        code = _digits(code)
        region = self.regions.get(code) or (self.villages().get(code) if len(code) == 10 else None)
        if region is not None:
            if region.current:
                return CodeLookup(code, CodeStatus.CURRENT, region)
            new = self.recoded.get(code)
            if new is not None:
                return CodeLookup(code, CodeStatus.RECODED, region, self.regions.get(new))
            return CodeLookup(code, CodeStatus.RETIRED, region)
        if len(code) == 6:
            parent_splits = tuple(s for s in self.splits if s.parent_code == code[:4])
            if parent_splits and code[:4] in self.regions:
                return CodeLookup(code, CodeStatus.PRE_SPLIT, None, None, parent_splits)
        return CodeLookup(code, CodeStatus.UNKNOWN)

    def children(self, code: str, level: str) -> list[Region]:
        code = _digits(code)
        pool: Iterable[Region] = (
            self.villages().values() if level == "village" else self.regions.values()
        )
        return [r for r in pool if r.level == level and r.code.startswith(code)]

    def find(
        self, name: str, level: str, parent: str | None = None, min_score: float = 85.0
    ) -> list[tuple[Region, float]]:
        """Regions of ``level`` (under ``parent`` when given) whose name resembles ``name``.

        Kota and Kabupaten of the same name (Kota Kupang / Kabupaten Kupang) are told apart when the
        printed name says which one it is."""
        wanted = normalise_region_name(name)
        if not wanted:
            return []
        city = _is_city(name) if level == "regency" else None
        pool = self.children(parent, level) if parent else self.children("", level)
        out: list[tuple[Region, float]] = []
        for region in pool:
            if (
                city is not None
                and _is_city(region.name) != city
                and name.upper().startswith(("KOTA", "KAB"))
            ):
                continue
            candidate = normalise_region_name(region.name)
            if city is not None:
                candidate = candidate.removeprefix("KOTA ")
                wanted_core = wanted.removeprefix("KOTA ")
            else:
                wanted_core = wanted
            score = float(fuzz.ratio(wanted_core, candidate))
            if score >= min_score:
                out.append((region, score))
        out.sort(key=lambda item: (-item[1], not item[0].current, item[0].code))
        return out

    def villages(self) -> dict[str, Region]:
        """Villages (kelurahan/desa), read on first use: the file is large and few rules need it."""
        if self._villages is None:
            with self._lock:
                if self._villages is None:
                    self._villages = _read_villages(self.villages_path)
        return self._villages

    @property
    def has_villages(self) -> bool:
        return self.villages_path is not None and self.villages_path.is_file()


def _digits(code: str) -> str:
    return re.sub(r"\D", "", code)


def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            return list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ConfigurationError(f"cannot read region table {path}: {exc}") from exc


def _read_villages(path: Path | None) -> dict[str, Region]:
    if path is None or not path.is_file():
        return {}
    out: dict[str, Region] = {}
    for row in _read_csv(path):
        code = _digits(row.get("code", ""))
        if len(code) == 10:
            out[code] = Region(code, (row.get("name") or "").strip(), "village")
    return out


def read_region_table(path: Path) -> RegionTable:
    """Read the operator's code list and the history / re-coding tables beside it."""
    if not path.is_file():
        raise ConfigurationError(f"region code list not found: {path}")
    rows = _read_csv(path)
    if rows and not {"code", "name"} <= set(rows[0]):
        raise ConfigurationError(f"{path}: expected the columns code,name,level")
    regions: dict[str, Region] = {}
    for row in rows:
        code = _digits(row.get("code", ""))
        level = (row.get("level") or "").strip() or _LEVEL_BY_LENGTH.get(len(code), "")
        if code and level:
            regions[code] = Region(code, (row.get("name") or "").strip(), level)
    folder = path.parent
    history = folder / HISTORY_FILE
    if history.is_file() and history != path:
        for row in _read_csv(history):
            code = _digits(row.get("code", ""))
            if not code or code in regions:
                continue
            regions[code] = Region(
                code,
                (row.get("name_latest") or "").strip(),
                (row.get("level") or "").strip() or _LEVEL_BY_LENGTH.get(len(code), ""),
                current=False,
                first_list=row.get("first_list") or None,
                last_list=row.get("last_list") or None,
            )
    recoded: dict[str, str] = {}
    papua = folder / PAPUA_FILE
    if papua.is_file():
        for row in _read_csv(papua):
            old, new = _digits(row.get("old_code", "")), _digits(row.get("new_code", ""))
            if old and new:
                recoded[old] = new
                if old not in regions:
                    regions[old] = Region(
                        old,
                        (row.get("old_name") or "").strip(),
                        row.get("level") or _LEVEL_BY_LENGTH.get(len(old), ""),
                        current=False,
                        last_list=row.get("old_list") or None,
                    )
    splits: list[Split] = []
    split_file = folder / SPLITS_FILE
    if split_file.is_file():
        for row in _read_csv(split_file):
            try:
                year = int((row.get("year") or "0")[:4])
            except ValueError:
                year = 0
            splits.append(
                Split(
                    _digits(row.get("child_code", "")),
                    (row.get("child_name") or "").strip(),
                    _digits(row.get("parent_code", "")),
                    (row.get("parent_name") or "").strip(),
                    year,
                )
            )
    # The packaged province codes are always known, whatever the list says.
    for code, name in PROVINCES.items():
        regions.setdefault(code, Region(code, name, "province"))
    villages = folder / VILLAGES_FILE
    return RegionTable(
        regions=regions,
        recoded=recoded,
        splits=tuple(splits),
        source=path,
        villages_path=villages if villages.is_file() else None,
    )


_CACHE: dict[Path, RegionTable] = {}
_CACHE_LOCK = threading.Lock()


def load_regions(path: Path | None = None) -> RegionTable | None:
    """The configured region table (``DOCSCREEN_REGION_CODES``), cached; None when none is set."""
    path = path or settings.REGION_CODES.get()
    if path is None:
        return None
    key = path.resolve()
    with _CACHE_LOCK:
        table = _CACHE.get(key)
        if table is None:
            table = read_region_table(key)
            _CACHE[key] = table
        return table
