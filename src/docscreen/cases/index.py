"""In-memory candidate index over case records, so one query against a million records stays fast.

Blocking: every name of every record (main name and aliases) is an *entry*; each entry is filed
under keys made from its normalised name: the spelling key of each part (old/new spelling and
transliteration variants already coincide there), a coarse phonetic key of each part (vowels
dropped) and the character trigrams of each part.  A query collects the entries sharing its keys,
weighted by how rare each key is (idf), and hands the best ``limit`` entries to the scorer.  The
postings are numpy arrays (CSR), so a million records cost tens of megabytes, not gigabytes.

The index is immutable: when records change a new one is built and the reference swapped
(:class:`IndexHolder`), so a query in flight always sees one consistent snapshot.
"""

from __future__ import annotations

import hashlib
import math
import threading
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from docscreen.cases.records import CaseRecord, normalise_document_number, normalise_nationality
from docscreen.names.normalise import INITIAL, NormalisedName, normalise_name

_SEX_CODES = {None: 0, "M": 1, "F": 2, "X": 3}
SEX_NAMES = {1: "M", 2: "F", 3: "X"}
_VOWELS = str.maketrans("", "", "AEIOU")
# Trigrams shared by more than this fraction of entries say little and cost a lot: skipped.
MAX_TRIGRAM_FRACTION = 0.10
# The key-overlap stage keeps this many times the requested candidates for the string re-rank.
PREFILTER_FACTOR = 25


def _part_keys(key: str) -> list[str]:
    out = ["t" + key]
    consonants = key[:1] + key[1:].translate(_VOWELS)
    if len(consonants) >= 2:
        out.append("p" + consonants)
    padded = f"^{key}$"
    out.extend("g" + padded[i : i + 3] for i in range(len(padded) - 2))
    return out


def name_keys(name: NormalisedName) -> set[str]:
    keys: set[str] = set()
    for t in name.tokens:
        if t.role == INITIAL:
            continue
        keys.update(_part_keys(t.key))
    return keys


def identifier_hash(kind: str, value: str) -> int:
    digest = hashlib.blake2b(f"{kind}:{value}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") >> 1  # fits int64


def _dob_ordinals(record: CaseRecord) -> tuple[int, int]:
    b = record.birth
    if b is None:
        return 0, 0
    return b.low.toordinal(), b.high.toordinal()


@dataclass(frozen=True)
class RecordView:
    """What the scorer needs of one record, read back from the index columns."""

    case_id: str
    role: str
    names: tuple[str, ...]
    dob_low: int  # date ordinal, 0 unknown
    dob_high: int
    dob_text: str | None
    sex: str | None
    nationality: tuple[str, ...]
    region: str | None
    nik: tuple[str, ...]
    passport_number: tuple[str, ...]


class CandidateIndex:
    """Immutable blocking index; build with :meth:`build`."""

    def __init__(self) -> None:
        self.case_ids: list[str] = []
        self.roles: list[str] = []
        self.entry_names: list[str] = []
        self.entry_keys: list[str] = []  # normalised key string of each name (re-ranking)
        self.entry_record: npt.NDArray[np.int32] = np.zeros(0, np.int32)
        self.record_first_entry: npt.NDArray[np.int32] = np.zeros(1, np.int32)
        self.dob: npt.NDArray[np.int32] = np.zeros((0, 2), np.int32)
        self.dob_text: list[str | None] = []
        self.sex: npt.NDArray[np.int8] = np.zeros(0, np.int8)
        self.nationality: list[str] = []  # "|"-joined, interned
        self.region: list[str | None] = []
        self.vocab: dict[str, int] = {}
        self.key_offsets: npt.NDArray[np.int64] = np.zeros(1, np.int64)
        self.postings: npt.NDArray[np.int32] = np.zeros(0, np.int32)
        self.idf: npt.NDArray[np.float32] = np.zeros(0, np.float32)
        self.entry_norm: npt.NDArray[np.float32] = np.zeros(0, np.float32)  # idf sum of its keys
        self.token_df: dict[str, int] = {}  # names carrying each part key (weights)
        # Records carrying each part key (in any of their names): the homonym estimate counts
        # other *people*, so a record's own aliases must not make its name look common.
        self.token_rf: dict[str, int] = {}
        # How many records have a name that normalises to the same key string (homonyms): a name shared in the index normalise to the same key string (homonyms): a name shared
        # by hundreds of records identifies nobody without a birth date.
        self.name_hashes: npt.NDArray[np.int64] = np.zeros(0, np.int64)
        self.homonym_hashes: npt.NDArray[np.int64] = np.zeros(0, np.int64)
        self.homonym_counts: npt.NDArray[np.int32] = np.zeros(0, np.int32)
        self.id_hashes: npt.NDArray[np.int64] = np.zeros(0, np.int64)
        self.id_records: npt.NDArray[np.int32] = np.zeros(0, np.int32)
        self.id_values: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self.revision: int = -1

    # -- building -------------------------------------------------------------------------------
    @classmethod
    def build(
        cls,
        records: Iterable[CaseRecord],
        revision: int = 0,
        progress: Callable[[int], None] | None = None,
    ) -> CandidateIndex:
        idx = cls()
        idx.revision = revision
        post_keys = array("i")
        post_entries = array("i")
        entry_record = array("i")
        first_entry = array("i", [0])
        dob = array("i")
        sex = array("b")
        id_hash = array("q")
        id_rec = array("i")
        name_hash = array("q")
        record_name_hash = array("q")  # one per distinct normalised name of a record
        nat_intern: dict[str, str] = {}
        vocab = idx.vocab
        token_df: dict[str, int] = {}
        token_rf: dict[str, int] = {}
        entry = 0
        for r_i, rec in enumerate(records):
            idx.case_ids.append(rec.case_id)
            idx.roles.append(rec.role)
            lo, hi = _dob_ordinals(rec)
            dob.extend((lo, hi))
            idx.dob_text.append(rec.birth_date)
            sex.append(_SEX_CODES.get(rec.sex, 0))
            nat = "|".join(rec.nationality)
            idx.nationality.append(nat_intern.setdefault(nat, nat))
            idx.region.append(rec.region)
            rec_tokens: set[str] = set()
            rec_hashes: set[int] = set()
            for name in rec.names:
                norm = normalise_name(name)
                key_string = norm.key_string
                name_hash.append(hash(key_string) >> 1)
                rec_hashes.add(hash(key_string) >> 1)
                idx.entry_keys.append(key_string)
                keys = name_keys(norm)
                for k in keys:
                    kid = vocab.get(k)
                    if kid is None:
                        kid = len(vocab)
                        vocab[k] = kid
                    post_keys.append(kid)
                    post_entries.append(entry)
                for tk in {t.key for t in norm.tokens}:
                    token_df[tk] = token_df.get(tk, 0) + 1
                    rec_tokens.add(tk)
                idx.entry_names.append(name)
                entry_record.append(r_i)
                entry += 1
            first_entry.append(entry)
            for tk in rec_tokens:
                token_rf[tk] = token_rf.get(tk, 0) + 1
            record_name_hash.extend(rec_hashes)
            for n in rec.nik:
                id_hash.append(identifier_hash("nik", n))
                id_rec.append(r_i)
            for p in rec.passport_number:
                id_hash.append(identifier_hash("passport", normalise_document_number(p)))
                id_rec.append(r_i)
            if rec.nik or rec.passport_number:
                idx.id_values[r_i] = (rec.nik, rec.passport_number)
            if progress is not None and (r_i + 1) % 100_000 == 0:
                progress(r_i + 1)
        n_entries = entry
        idx.entry_record = np.frombuffer(entry_record, dtype=np.int32).copy()
        idx.record_first_entry = np.frombuffer(first_entry, dtype=np.int32).copy()
        idx.dob = np.frombuffer(dob, dtype=np.int32).reshape(-1, 2).copy()
        idx.sex = np.frombuffer(sex, dtype=np.int8).copy()
        keys_arr = np.frombuffer(post_keys, dtype=np.int32)
        entries_arr = np.frombuffer(post_entries, dtype=np.int32)
        order = np.argsort(keys_arr, kind="stable")
        idx.postings = entries_arr[order].copy()
        counts = np.bincount(keys_arr, minlength=len(vocab)).astype(np.int64)
        idx.key_offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        idx.idf = np.log((n_entries + 1) / (counts + 1)).astype(np.float32) + np.float32(0.1)
        idx.entry_norm = np.bincount(
            entries_arr, weights=idx.idf[keys_arr], minlength=n_entries
        ).astype(np.float32)
        idx.token_df = token_df
        idx.token_rf = token_rf
        idx.name_hashes = np.frombuffer(name_hash, dtype=np.int64).copy()
        idx.homonym_hashes, counts_h = np.unique(
            np.frombuffer(record_name_hash, dtype=np.int64), return_counts=True
        )
        idx.homonym_counts = counts_h.astype(np.int32)
        hashes = np.frombuffer(id_hash, dtype=np.int64)
        recs = np.frombuffer(id_rec, dtype=np.int32)
        order = np.argsort(hashes, kind="stable")
        idx.id_hashes = hashes[order].copy()
        idx.id_records = recs[order].copy()
        return idx

    # -- reading --------------------------------------------------------------------------------
    @property
    def n_records(self) -> int:
        return len(self.case_ids)

    @property
    def n_entries(self) -> int:
        return len(self.entry_names)

    def record(self, i: int) -> RecordView:
        lo, hi = (int(v) for v in self.dob[i])
        first, last = int(self.record_first_entry[i]), int(self.record_first_entry[i + 1])
        nik, passports = self.id_values.get(i, ((), ()))
        nat = self.nationality[i]
        return RecordView(
            case_id=self.case_ids[i],
            role=self.roles[i],
            names=tuple(self.entry_names[first:last]),
            dob_low=lo,
            dob_high=hi,
            dob_text=self.dob_text[i],
            sex=SEX_NAMES.get(int(self.sex[i])),
            nationality=tuple(nat.split("|")) if nat else (),
            region=self.region[i],
            nik=nik,
            passport_number=passports,
        )

    def entries_of(self, i: int) -> range:
        return range(int(self.record_first_entry[i]), int(self.record_first_entry[i + 1]))

    def homonyms(self, entry: int) -> int:
        """Records with a name of the same normalised form as this entry's (its own included)."""
        h = self.name_hashes[entry]
        i = int(np.searchsorted(self.homonym_hashes, h))
        return int(self.homonym_counts[i])

    def token_weight(self, key: str) -> float:
        """How informative a name part is in this index: 1 for rare parts, lower for common."""
        df = self.token_df.get(key, 0)
        n = max(self.n_entries, 1)
        if df <= 1 or n < 50:
            return 1.0
        return max(0.25, min(1.0, math.log(n / df) / math.log(n) * 2.0))

    def candidates(
        self, name: NormalisedName, limit: int = 200, exclude: frozenset[int] = frozenset()
    ) -> npt.NDArray[np.int64]:
        """Entry ids whose keys overlap most (idf-weighted Dice) with ``name``'s, best first."""
        keys = [k for k in name_keys(name) if k in self.vocab]
        if not keys or self.n_entries == 0:
            return np.zeros(0, np.int64)
        kid_arr = np.array([self.vocab[k] for k in keys], dtype=np.int64)
        q_total = float(self.idf[kid_arr].sum())
        lengths = self.key_offsets[kid_arr + 1] - self.key_offsets[kid_arr]
        # Very common trigrams cost the most and say the least; whole-part keys always count.
        cap = max(1000, int(self.n_entries * MAX_TRIGRAM_FRACTION))
        keep = np.array([not k.startswith("g") for k in keys]) | (lengths <= cap)
        kid_arr, lengths = kid_arr[keep], lengths[keep]
        if len(kid_arr) == 0:
            return np.zeros(0, np.int64)
        slices = [self.postings[self.key_offsets[k] : self.key_offsets[k + 1]] for k in kid_arr]
        hit_entries = np.concatenate(slices)
        weights = np.repeat(self.idf[kid_arr], lengths)
        uniq: npt.NDArray[np.int64]
        if len(hit_entries) * 8 < self.n_entries:
            found, inverse = np.unique(hit_entries, return_inverse=True)
            uniq = found.astype(np.int64)
            scores = np.bincount(inverse, weights=weights)
        else:  # dense accumulation is cheaper than sorting when most entries are hit anyway
            dense = np.bincount(hit_entries, weights=weights, minlength=self.n_entries)
            uniq = np.flatnonzero(dense).astype(np.int64)
            scores = dense[uniq]
        # Dice overlap: shared key weight relative to both names, so a longer name that contains
        # the query does not crowd out the names that are the query.
        scores = 2.0 * scores / (q_total + self.entry_norm[uniq])
        if exclude:
            scores[np.isin(uniq, np.fromiter(exclude, dtype=np.int64))] = -1.0
        wide = limit * PREFILTER_FACTOR
        top = np.argpartition(-scores, wide)[:wide] if len(uniq) > wide else np.arange(len(uniq))
        top = top[scores[top] > 0]
        if len(top) > limit:
            # Second stage in C: rapidfuzz on the normalised key strings of the wider set, so the
            # names the scorer sees are the ones closest as strings, not only by shared keys.
            keys_top = [self.entry_keys[int(e)] for e in uniq[top]]
            ts = process.cdist(
                [name.key_string], keys_top, scorer=fuzz.token_sort_ratio, dtype=np.float32
            )[0]
            combined = ts + np.float32(20.0) * scores[top].astype(np.float32)
            best = np.argpartition(-combined, limit)[:limit]
            top = top[best[np.argsort(-combined[best], kind="stable")]]
        else:
            top = top[np.argsort(-scores[top], kind="stable")]
        return uniq[top].astype(np.int64)

    def records_by_identifier(self, kind: str, value: str) -> list[int]:
        h = identifier_hash(kind, value)
        lo = int(np.searchsorted(self.id_hashes, h, side="left"))
        hi = int(np.searchsorted(self.id_hashes, h, side="right"))
        out = []
        for r in self.id_records[lo:hi]:
            nik, passports = self.id_values.get(int(r), ((), ()))
            values = nik if kind == "nik" else passports
            if value in values:  # guard against a hash collision
                out.append(int(r))
        return out

    def memory_bytes(self) -> int:
        """Approximate memory of the index (arrays exactly, Python lists and strings estimated)."""
        arrays = (
            self.entry_record,
            self.record_first_entry,
            self.dob,
            self.sex,
            self.key_offsets,
            self.postings,
            self.idf,
            self.entry_norm,
            self.name_hashes,
            self.homonym_hashes,
            self.homonym_counts,
            self.id_hashes,
            self.id_records,
        )
        total = sum(int(a.nbytes) for a in arrays)
        total += sum(49 + len(s) for s in self.case_ids) + 8 * len(self.case_ids)
        total += sum(49 + len(s) for s in self.entry_names) + 8 * len(self.entry_names)
        total += sum(49 + len(s) for s in self.entry_keys) + 8 * len(self.entry_keys)
        total += 8 * (
            len(self.roles) + len(self.dob_text) + len(self.nationality) + len(self.region)
        )
        total += (
            100 * len(self.vocab)
            + 100 * (len(self.token_df) + len(self.token_rf))
            + 200 * len(self.id_values)
        )
        return total


def normalise_query_nationality(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(normalise_nationality(v) for v in values if v and v.strip())


class IndexHolder:
    """Holds the current index; a rebuild builds a new one first, then swaps the reference."""

    def __init__(self, builder: Callable[[], CandidateIndex]) -> None:
        self._builder = builder
        self._index: CandidateIndex | None = None
        self._lock = threading.Lock()

    @property
    def current(self) -> CandidateIndex | None:
        return self._index

    def rebuild(self) -> CandidateIndex:
        with self._lock:
            new = self._builder()
            self._index = new  # one reference assignment: readers see old or new, never half
            return new
