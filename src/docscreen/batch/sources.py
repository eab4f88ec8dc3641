"""Batch sources: a folder (recursive), a zip or tar archive, or a manifest CSV.

A source is planned first (names and sizes only, cheap) into :class:`UnitSpec` items, one per
document file or per traveller bundle; file bytes are read later, one unit at a time, by
:meth:`Source.read`.  Nothing is ever extracted to disk.  Archive members are still vetted as if
they were: names that are absolute or climb out with ``..`` are refused (they would escape any
extraction folder and usually mean a malicious archive), links and devices are refused, and
decompression is bounded per member (size and compression ratio, checked on the bytes actually
produced, not on the sizes the archive declares) and per archive (total bytes, member count).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import logging
import os
import re
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import IO

from docscreen import settings
from docscreen.errors import ImageTooLargeError, InputError, UnreadableFileError
from docscreen.models import ScreeningContext

log = logging.getLogger(__name__)

_CHUNK = 1 << 20
_SKIPPED_PARTS = ("__MACOSX",)


class UnsafeArchiveError(InputError):
    """An archive member tries to escape (absolute path, ``..``, link) or is a decompression bomb."""


@dataclass(frozen=True)
class FileRef:
    """One input file of a source: the label shown in results and where to read it from."""

    label: str
    locator: str  # a filesystem path, or the member name inside the archive
    size: int | None = None


@dataclass(frozen=True)
class UnitSpec:
    """A planned unit: one document file, or one traveller's files screened together."""

    files: tuple[FileRef, ...]
    bundle: bool = False
    traveller: str | None = None
    context: ScreeningContext | None = None  # None: the run's default context


@dataclass(frozen=True)
class SourceProblem:
    """A file refused while planning (unsafe member, unreadable manifest row, ...)."""

    label: str
    reason: str
    traveller: str | None = None


PlanItem = UnitSpec | SourceProblem


def check_member_name(name: str) -> str:
    """The member name normalised to forward slashes, or :class:`UnsafeArchiveError`."""
    if "\x00" in name:
        raise UnsafeArchiveError(f"{name!r}: member name contains a NUL byte")
    norm = name.replace("\\", "/")
    if norm.startswith("/") or re.match(r"^[A-Za-z]:", norm):
        raise UnsafeArchiveError(f"{name}: absolute member path refused (path traversal)")
    parts = PurePosixPath(norm).parts
    if ".." in parts:
        raise UnsafeArchiveError(f"{name}: member path climbs out with '..' (path traversal)")
    return "/".join(p for p in parts if p not in ("", "."))


def _skipped(rel: str) -> bool:
    parts = rel.split("/")
    return any(p.startswith(".") for p in parts) or any(p in _SKIPPED_PARTS for p in parts)


def _read_bounded(stream: IO[bytes], label: str, limit: int) -> bytes:
    """Read at most ``limit`` bytes; more means the member is larger than allowed."""
    buf = io.BytesIO()
    while True:
        chunk = stream.read(min(_CHUNK, limit + 1 - buf.tell()))
        if not chunk:
            return buf.getvalue()
        buf.write(chunk)
        if buf.tell() > limit:
            raise ImageTooLargeError(f"{label}: larger than the limit of {limit} bytes")


def _group(files: list[tuple[FileRef, str]], bundle_by_folder: bool) -> list[PlanItem]:
    """Files (with their relative path) into units: one per file, or one per top folder."""
    if not bundle_by_folder:
        return [UnitSpec(files=(ref,)) for ref, _ in files]
    items: list[PlanItem] = []
    bundles: dict[str, list[FileRef]] = {}
    for ref, rel in files:
        top, sep, _ = rel.partition("/")
        if sep:
            if top not in bundles:
                bundles[top] = []
                items.append(UnitSpec(files=(), bundle=True, traveller=top))
            bundles[top].append(ref)
        else:
            items.append(UnitSpec(files=(ref,)))
    return [
        replace(i, files=tuple(bundles[i.traveller]))
        if isinstance(i, UnitSpec) and i.bundle and i.traveller is not None
        else i
        for i in items
    ]


class Source:
    """Base class: plan the units, then read files on demand.  Use as a context manager."""

    kind = "source"

    def __init__(self, path: Path) -> None:
        self.path = path

    def plan(self) -> list[PlanItem]:
        raise NotImplementedError

    def read(self, ref: FileRef) -> bytes:
        raise NotImplementedError

    def close(self) -> None:
        """Release open archive handles."""

    def __enter__(self) -> Source:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _read_file(path: Path, label: str) -> bytes:
    limit = settings.MAX_FILE_BYTES.get()
    try:
        with path.open("rb") as fh:
            return _read_bounded(fh, label, limit)
    except FileNotFoundError as exc:
        raise UnreadableFileError(f"{label}: no such file") from exc
    except PermissionError as exc:
        raise UnreadableFileError(f"{label}: permission denied") from exc
    except IsADirectoryError as exc:
        raise UnreadableFileError(f"{label}: is a directory, not a file") from exc
    except OSError as exc:
        raise UnreadableFileError(f"{label}: cannot read ({exc.strerror or exc})") from exc


class FolderSource(Source):
    """Every regular file under a folder, recursively, in sorted order (dot-files skipped)."""

    kind = "folder"

    def __init__(
        self, path: Path, *, bundle_by_folder: bool = False, exclude: Path | None = None
    ) -> None:
        super().__init__(path)
        self.bundle_by_folder = bundle_by_folder
        self.exclude = exclude.resolve() if exclude is not None else None

    def plan(self) -> list[PlanItem]:
        root = self.path.resolve()
        files: list[tuple[FileRef, str]] = []
        problems: list[PlanItem] = []
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            here = Path(dirpath)
            # Never screen our own output when --out lies inside the source folder.
            dirnames[:] = sorted(
                d for d in dirnames if self.exclude is None or (here / d).resolve() != self.exclude
            )
            for name in sorted(filenames):
                full = here / name
                rel = full.relative_to(root).as_posix()
                if _skipped(rel):
                    continue
                if full.is_symlink():
                    target = full.resolve()
                    if not target.is_relative_to(root):
                        problems.append(
                            SourceProblem(rel, f"{rel}: symbolic link to outside the source folder")
                        )
                        continue
                try:
                    size = full.stat().st_size
                except OSError as exc:
                    problems.append(SourceProblem(rel, f"{rel}: cannot read ({exc.strerror})"))
                    continue
                files.append((FileRef(label=rel, locator=str(full), size=size), rel))
        return problems + _group(files, self.bundle_by_folder)

    def read(self, ref: FileRef) -> bytes:
        return _read_file(Path(ref.locator), ref.label)


class ZipSource(Source):
    kind = "zip"

    def __init__(self, path: Path, *, bundle_by_folder: bool = False) -> None:
        super().__init__(path)
        self.bundle_by_folder = bundle_by_folder
        self._zip: zipfile.ZipFile | None = None
        self._infos: dict[str, zipfile.ZipInfo] = {}
        self._total = 0

    def _open(self) -> zipfile.ZipFile:
        if self._zip is None:
            try:
                self._zip = zipfile.ZipFile(self.path)
            except (zipfile.BadZipFile, OSError) as exc:
                raise UnreadableFileError(
                    f"{self.path}: not a readable zip archive ({exc})"
                ) from exc
        return self._zip

    def plan(self) -> list[PlanItem]:
        zf = self._open()
        infos = zf.infolist()
        if len(infos) > settings.MAX_ARCHIVE_MEMBERS.get():
            raise UnsafeArchiveError(
                f"{self.path}: {len(infos)} members, the limit is {settings.MAX_ARCHIVE_MEMBERS.get()}"
            )
        files: list[tuple[FileRef, str]] = []
        problems: list[PlanItem] = []
        for info in infos:
            if info.is_dir():
                continue
            try:
                rel = check_member_name(info.filename)
            except UnsafeArchiveError as exc:
                problems.append(SourceProblem(info.filename, str(exc)))
                continue
            if _skipped(rel):
                continue
            self._infos[info.filename] = info
            files.append((FileRef(label=rel, locator=info.filename, size=info.file_size), rel))
        files.sort(key=lambda f: f[1])
        return problems + _group(files, self.bundle_by_folder)

    def read(self, ref: FileRef) -> bytes:
        zf = self._open()
        info = self._infos[ref.locator]
        limit = settings.MAX_FILE_BYTES.get()
        ratio = settings.MAX_ARCHIVE_RATIO.get()
        total_limit = settings.MAX_ARCHIVE_TOTAL_BYTES.get()
        if info.flag_bits & 0x1:
            raise UnreadableFileError(f"{ref.label}: encrypted archive member")
        if info.file_size > limit:
            raise ImageTooLargeError(
                f"{ref.label}: member is {info.file_size} bytes, the limit is {limit}"
            )
        # Declared sizes can lie, so the bounds are enforced again on the bytes produced.
        bound = min(limit, max(_CHUNK, info.compress_size * ratio))
        try:
            with zf.open(info) as stream:
                data = _read_bounded(stream, ref.label, bound)
        except ImageTooLargeError as exc:
            if bound < limit:
                raise UnsafeArchiveError(
                    f"{ref.label}: compression ratio above {ratio} (zip bomb?)"
                ) from exc
            raise
        except (zipfile.BadZipFile, zlib_error(), OSError, EOFError, NotImplementedError) as exc:
            raise UnreadableFileError(f"{ref.label}: archive member is corrupt ({exc})") from exc
        self._total += len(data)
        if self._total > total_limit:
            raise UnsafeArchiveError(
                f"{ref.label}: archive decompresses to more than {total_limit} bytes in total"
            )
        return data

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
            self._zip = None


def zlib_error() -> type[Exception]:
    import zlib

    return zlib.error


class TarSource(Source):
    kind = "tar"

    def __init__(self, path: Path, *, bundle_by_folder: bool = False) -> None:
        super().__init__(path)
        self.bundle_by_folder = bundle_by_folder
        self._tar: tarfile.TarFile | None = None
        self._members: dict[str, tarfile.TarInfo] = {}

    def _open(self) -> tarfile.TarFile:
        if self._tar is None:
            try:
                self._tar = tarfile.open(self.path, mode="r:*")  # noqa: SIM115 (closed in close())
            except (tarfile.TarError, OSError, EOFError) as exc:
                raise UnreadableFileError(
                    f"{self.path}: not a readable tar archive ({exc})"
                ) from exc
        return self._tar

    def plan(self) -> list[PlanItem]:
        tf = self._open()
        max_members = settings.MAX_ARCHIVE_MEMBERS.get()
        total_limit = settings.MAX_ARCHIVE_TOTAL_BYTES.get()
        ratio = settings.MAX_ARCHIVE_RATIO.get()
        archive_size = max(1, self.path.stat().st_size)
        files: list[tuple[FileRef, str]] = []
        problems: list[PlanItem] = []
        declared = 0
        count = 0
        try:
            for member in tf:
                count += 1
                if count > max_members:
                    raise UnsafeArchiveError(f"{self.path}: more than {max_members} members")
                if member.isdir():
                    continue
                try:
                    rel = check_member_name(member.name)
                except UnsafeArchiveError as exc:
                    problems.append(SourceProblem(member.name, str(exc)))
                    continue
                if _skipped(rel):
                    continue
                if not member.isfile():
                    what = "link" if member.issym() or member.islnk() else "special file"
                    problems.append(
                        SourceProblem(rel, f"{rel}: archive member is a {what}, not a regular file")
                    )
                    continue
                declared += member.size
                if declared > total_limit or declared > ratio * archive_size:
                    raise UnsafeArchiveError(
                        f"{self.path}: members decompress to more than the allowed "
                        f"{min(total_limit, ratio * archive_size)} bytes (tar bomb?)"
                    )
                self._members[member.name] = member
                files.append((FileRef(label=rel, locator=member.name, size=member.size), rel))
        except (tarfile.TarError, OSError, EOFError) as exc:
            problems.append(
                SourceProblem(str(self.path), f"{self.path}: tar archive is corrupt ({exc})")
            )
        files.sort(key=lambda f: f[1])
        return problems + _group(files, self.bundle_by_folder)

    def read(self, ref: FileRef) -> bytes:
        tf = self._open()
        member = self._members[ref.locator]
        limit = settings.MAX_FILE_BYTES.get()
        if member.size > limit:
            raise ImageTooLargeError(
                f"{ref.label}: member is {member.size} bytes, the limit is {limit}"
            )
        try:
            stream = tf.extractfile(member)
            if stream is None:
                raise UnreadableFileError(f"{ref.label}: archive member has no data")
            with stream:
                return _read_bounded(stream, ref.label, limit)
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise UnreadableFileError(f"{ref.label}: archive member is corrupt ({exc})") from exc

    def close(self) -> None:
        if self._tar is not None:
            self._tar.close()
            self._tar = None


# --- manifest --------------------------------------------------------------------------------
_PATH_COLUMNS = ("path", "file")
_TRAVELLER_COLUMNS = ("traveller", "traveller_id", "traveler_id")
_DATE_COLUMNS = ("screening_date", "departure_date")
_TEXT_COLUMNS = ("purpose", "destination", "placement_type")


@dataclass
class _Row:
    line: int
    ref: FileRef
    traveller: str | None
    context: dict[str, str] = field(default_factory=dict)


def _date(values: dict[str, str], name: str) -> dt.date | None:
    if not values.get(name):
        return None
    try:
        return dt.date.fromisoformat(values[name])
    except ValueError as exc:
        raise InputError(f"{name}={values[name]!r} is not a date YYYY-MM-DD") from exc


def _context_from(values: dict[str, str], base: ScreeningContext) -> ScreeningContext:
    ctx = replace(
        base,
        screening_date=_date(values, "screening_date") or base.screening_date,
        departure_date=_date(values, "departure_date") or base.departure_date,
        purpose=values.get("purpose") or base.purpose,
        destination=values.get("destination") or base.destination,
        placement_type=values.get("placement_type") or base.placement_type,
    )
    contract = {
        k.removeprefix("contract_"): v for k, v in values.items() if k.startswith("contract_") and v
    }
    if contract:
        ctx = replace(ctx, contract=contract)
    if values.get("presented"):
        ctx = replace(
            ctx,
            presented=frozenset(
                p.strip() for p in re.split(r"[;|]", values["presented"]) if p.strip()
            ),
        )
    return ctx


class ManifestSource(Source):
    """A CSV with a ``path`` column (relative to the CSV's folder), an optional ``traveller``
    column and optional context columns (``screening_date``, ``departure_date``, ``purpose``,
    ``destination``, ``placement_type``, ``presented`` (``;``-separated), ``contract_*``)."""

    kind = "manifest"

    def __init__(self, path: Path, *, context: ScreeningContext | None = None) -> None:
        super().__init__(path)
        # Columns a row leaves empty come from the run's context (its stable screening date).
        self.base = context or ScreeningContext()

    def _rows(self) -> Iterator[_Row | SourceProblem]:
        try:
            text = self.path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise UnreadableFileError(f"{self.path}: cannot read the manifest ({exc})") from exc
        reader = csv.DictReader(io.StringIO(text))
        columns = [c.strip().lower() for c in reader.fieldnames or []]
        path_col = next((c for c in _PATH_COLUMNS if c in columns), None)
        if path_col is None:
            raise InputError(f"{self.path}: manifest has no 'path' column (columns: {columns})")
        trav_col = next((c for c in _TRAVELLER_COLUMNS if c in columns), None)
        base = self.path.parent
        for line, raw in enumerate(reader, start=2):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if k}
            rel = row.get(path_col, "")
            if not rel:
                yield SourceProblem(
                    f"{self.path.name}:{line}", f"{self.path.name} line {line}: empty path"
                )
                continue
            full = Path(rel) if Path(rel).is_absolute() else base / rel
            traveller = (row.get(trav_col) or None) if trav_col else None
            yield _Row(line, FileRef(label=rel, locator=str(full)), traveller, row)

    def plan(self) -> list[PlanItem]:
        items: list[PlanItem] = []
        bundles: dict[str, list[_Row]] = {}
        for got in self._rows():
            if isinstance(got, SourceProblem):
                items.append(got)
            elif got.traveller is None:
                try:
                    ctx = _context_from(got.context, self.base)
                except InputError as exc:
                    items.append(SourceProblem(got.ref.label, f"{got.ref.label}: {exc}"))
                    continue
                items.append(
                    UnitSpec(files=(got.ref,), context=ctx if _has_context(got.context) else None)
                )
            else:
                if got.traveller not in bundles:
                    bundles[got.traveller] = []
                    items.append(UnitSpec(files=(), bundle=True, traveller=got.traveller))
                bundles[got.traveller].append(got)
        out: list[PlanItem] = []
        for item in items:
            if isinstance(item, UnitSpec) and item.bundle and item.traveller is not None:
                out.append(self._bundle(item.traveller, bundles[item.traveller]))
            else:
                out.append(item)
        return out

    def _bundle(self, traveller: str, rows: list[_Row]) -> PlanItem:
        merged: dict[str, str] = {}
        for row in rows:
            for key, value in row.context.items():
                if not value or key in _PATH_COLUMNS or key in _TRAVELLER_COLUMNS:
                    continue
                if key in merged and merged[key] != value:
                    return SourceProblem(
                        f"traveller {traveller}",
                        f"traveller {traveller}: conflicting {key} ({merged[key]!r} and {value!r})",
                        traveller=traveller,
                    )
                merged[key] = value
        try:
            ctx = _context_from(merged, self.base)
        except InputError as exc:
            return SourceProblem(
                f"traveller {traveller}", f"traveller {traveller}: {exc}", traveller
            )
        seen: dict[str, FileRef] = {}
        for row in rows:
            seen.setdefault(row.ref.locator, row.ref)
        return UnitSpec(
            files=tuple(seen.values()),
            bundle=True,
            traveller=traveller,
            context=ctx if _has_context(merged) else None,
        )

    def read(self, ref: FileRef) -> bytes:
        return _read_file(Path(ref.locator), ref.label)


def _has_context(values: dict[str, str]) -> bool:
    names = (*_DATE_COLUMNS, *_TEXT_COLUMNS, "presented")
    return any(values.get(n) for n in names) or any(
        k.startswith("contract_") and v for k, v in values.items()
    )


def _is_zip(path: Path) -> bool:
    with contextlib.suppress(OSError), path.open("rb") as fh:
        return fh.read(4) in (b"PK\x03\x04", b"PK\x05\x06")
    return False


def open_source(
    source: str | Path,
    *,
    bundle_by_folder: bool = False,
    exclude: Path | None = None,
    context: ScreeningContext | None = None,
) -> Source:
    """The right :class:`Source` for a path: folder, zip, tar(.gz/.bz2/.xz) or manifest CSV."""
    path = Path(source).expanduser()
    if path.is_dir():
        return FolderSource(path, bundle_by_folder=bundle_by_folder, exclude=exclude)
    if not path.exists():
        raise UnreadableFileError(f"{path}: no such file or folder")
    if _is_zip(path):
        return ZipSource(path, bundle_by_folder=bundle_by_folder)
    if path.suffix.lower() == ".csv":
        if bundle_by_folder:
            raise InputError(
                "--bundle-by-folder does not apply to a manifest; use its traveller column"
            )
        return ManifestSource(path, context=context)
    try:
        is_tar = tarfile.is_tarfile(path)
    except OSError:
        is_tar = False
    if is_tar:
        return TarSource(path, bundle_by_folder=bundle_by_folder)
    raise InputError(f"{path}: not a folder, a zip or tar archive, or a manifest .csv")
