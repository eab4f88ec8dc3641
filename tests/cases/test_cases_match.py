"""Matching: scoring features, identifier matches and conflicts, single names, index swap."""

from __future__ import annotations

import pytest

from docscreen.cases.index import CandidateIndex
from docscreen.cases.match import MatchConfig, Matcher, MatchQuery, match_person
from docscreen.cases.records import CaseRecord
from docscreen.cases.store import CaseStore


def record(case_id: str, name: str, **kw: object) -> CaseRecord:
    base: dict[str, object] = {
        "role": "suspect",
        "aliases": (),
        "birth_date": None,
        "sex": None,
        "nationality": ("IDN",),
        "nik": (),
        "passport_number": (),
        "region": None,
    }
    base.update(kw)
    return CaseRecord(case_id=case_id, name=name, **base)  # type: ignore[arg-type]


RECORDS = [
    record(
        "S1",
        "H. Moch. Djoko Soesanto",
        aliases=("Joko Susanto bin Slamet",),
        birth_date="1975-03-02",
        sex="M",
        nik=("5371010203750001",),
        passport_number=("B1234567",),
        region="5371",
    ),
    record("V1", "Maria Da Costa", role="victim", birth_date="2004", sex="F", region="5302"),
    record("M1", "Sutini", role="missing", birth_date="2001-07-09", sex="F"),
    record("M2", "Yohanes Bosco Seran", role="missing", birth_date="1999/2001", sex="M"),
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(CandidateIndex.build(RECORDS), MatchConfig(threshold=0.8, report_threshold=0.3))


def test_spelling_variants_with_birth_date_alert_and_explain(matcher: Matcher) -> None:
    ms = matcher.match(MatchQuery("DJOKO SUSANTO", dob="1975-03-02", sex="M", nationality=("IDN",)))
    top = ms[0]
    assert top.case_id == "S1" and top.alert and top.role == "suspect"
    f = top.features
    assert f["birth_date"]["agreement"] == "exact"
    assert f["sex"]["agreement"] == "agree"
    assert f["nationality"]["agreement"] == "agree"
    assert f["identifier_conflict"] is False
    rules = {r for p in f["name"]["parts"] for r in p.get("rules", [])}
    # Whichever of the record's names matched best, an old-spelling rule explains it.
    assert rules & {"oe->u", "dj->j"}


def test_birth_date_conflict_lowers_the_score(matcher: Matcher) -> None:
    # Same name, another birth date: listed for the officer, but no alert.
    same = matcher.match(MatchQuery("Maria Dacosta", dob="2004-05-01"))[0]
    other = matcher.match(MatchQuery("Maria Dacosta", dob="1960-05-01"))[0]
    assert same.case_id == other.case_id == "V1"
    assert same.features["birth_date"]["agreement"] == "overlap"
    assert other.features["birth_date"]["agreement"] == "conflict"
    assert other.score < same.score
    assert same.alert and not other.alert


def test_sex_conflict_is_a_feature(matcher: Matcher) -> None:
    m = matcher.match(MatchQuery("Yohanes Bosco Seran", dob="2000-01-01", sex="F"))[0]
    assert m.features["sex"]["agreement"] == "conflict"
    assert m.features["sex"]["adjust"] < 0


def test_single_name_needs_date_or_nationality(matcher: Matcher) -> None:
    bare = matcher.match(MatchQuery("SUTINI"))
    assert bare and bare[0].case_id == "M1"
    assert not bare[0].alert and bare[0].features["single_name_blocked"]
    supported = matcher.match(MatchQuery("SUTINI", dob="2001-07-09"))[0]
    assert supported.alert
    nat_only = matcher.match(MatchQuery("SUTINI", nationality=("IDN",)))
    assert not any(m.alert for m in nat_only)


def test_same_identifier_is_a_match_whatever_the_name(matcher: Matcher) -> None:
    ms = matcher.match(MatchQuery("Joko Susanto", dob="1975-03-02", nik="5371010203750001"))
    assert ms[0].case_id == "S1" and ms[0].score == 1.0 and ms[0].alert
    assert ms[0].features["identifier"]["kind"] == "nik"
    assert ms[0].features["identifier_conflict"] is False
    assert ms[0].features["region"]["agreement"] == "agree"


def test_same_identifier_under_another_identity_is_a_conflict(matcher: Matcher) -> None:
    ms = matcher.match(MatchQuery("Agnes Nahak", dob="1998-01-01", passport_number="b 1234567"))
    hit = next(m for m in ms if m.case_id == "S1")
    assert hit.alert and hit.features["identifier_conflict"] is True
    assert hit.features["identifier"] == {
        "kind": "passport",
        "value": "B1234567",
        "same_number": True,
    }


def test_no_match_for_a_stranger(matcher: Matcher) -> None:
    assert not any(m.alert for m in matcher.match(MatchQuery("Kadek Wirawan Putra")))


def test_match_person_accepts_index_and_store(tmp_path: object) -> None:
    idx = CandidateIndex.build(RECORDS)
    ms = match_person(idx, "Djoko Soesanto", dob="1975", nationality="Indonesia")
    assert ms[0].case_id == "S1"
    assert ms[0].features["nationality"]["agreement"] == "agree"  # "Indonesia" -> IDN


def test_index_rebuild_swaps_the_reference(sqlite_store: CaseStore) -> None:
    for r in RECORDS:
        sqlite_store.add(r, actor="t")
    old = sqlite_store.index()
    assert sqlite_store.index() is old  # unchanged store: same snapshot
    assert old.n_records == 4
    sqlite_store.add(record("N1", "Agustinus Nahak", birth_date="1980"), actor="t")
    new = sqlite_store.index()
    assert new is not old and new.n_records == 5
    # The old snapshot is untouched: a query that held it still sees the old records.
    assert old.n_records == 4 and "N1" not in old.case_ids
    assert match_person(sqlite_store, "Agustinus Nahak", dob="1980")[0].case_id == "N1"
    sqlite_store.delete("N1", actor="t")
    assert "N1" not in sqlite_store.index().case_ids


def test_candidates_are_blocked_not_brute_force() -> None:
    recs = [record(f"X{i}", f"Nama{i:04d} Orang{i % 97}") for i in range(3000)]
    recs.append(record("T", "Fransiskus Xaverius Da Silva"))
    idx = CandidateIndex.build(recs)
    cands = idx.candidates(
        __import__("docscreen.names.normalise", fromlist=["x"]).normalise_name(
            "Fransiscus Da Silva"
        ),
        limit=20,
    )
    assert len(cands) <= 20
    assert idx.entry_record[cands[0]] == 3000
    assert idx.memory_bytes() > 0


def test_a_common_name_needs_a_precise_birth_date() -> None:
    import datetime as dt

    start = dt.date(1960, 1, 1)
    many = [
        record(f"B{i}", "Budi Santoso", birth_date=(start + dt.timedelta(days=97 * i)).isoformat())
        for i in range(60)
    ]
    common = Matcher(CandidateIndex.build(many), MatchConfig(threshold=0.8, report_threshold=0.0))
    rare = Matcher(CandidateIndex.build(many[10:11]), MatchConfig(threshold=0.8))
    year = str(many[10].birth_date)[:4]
    # Same name, birth year only: with 60 namesakes that is no evidence of this person.
    hit = next(m for m in common.match(MatchQuery("Budi Santoso", dob=year)) if m.case_id == "B10")
    assert hit.features["name_frequency"]["expected_homonyms"] >= 59
    assert hit.features["name_frequency"]["adjust"] < 0
    alone = rare.match(MatchQuery("Budi Santoso", dob=year))[0]
    assert alone.features["name_frequency"]["adjust"] == 0 and alone.alert
    assert hit.score < alone.score - 0.2
    # The exact birth date is rare enough even among 60 namesakes.
    exact = common.match(MatchQuery("Budi Santoso", dob=many[10].birth_date))[0]
    assert exact.case_id == "B10" and exact.alert


def _filler(n: int) -> list[CaseRecord]:
    syl = ("ka", "lu", "mi", "to", "re", "sa", "no", "wi", "pe", "gu", "da", "be")
    out = []
    for i in range(n):
        a, b, c = syl[i % 12], syl[(i // 12) % 12], syl[(i // 144) % 12]
        out.append(record(f"F{i}", f"{a}{b}{c}n {c}{a}{b}r"))
    return out


def test_own_aliases_are_not_namesakes() -> None:
    # The frequency evidence counts other records (people), not the record's own aliases.
    alias_rec = record(
        "H1", "Hammami Omar", aliases=("Hammami Umar", "Hammami Omar Shafik", "Omar Hammami")
    )
    idx = CandidateIndex.build([alias_rec, *_filler(1200)])
    assert idx.n_entries >= 1000
    m = Matcher(idx, MatchConfig(threshold=0.99, report_threshold=0.0))
    hit = next(x for x in m.match(MatchQuery("Hammami Idris")) if x.case_id == "H1")
    assert hit.features["name_frequency"]["expected_homonyms"] == 0
    assert hit.features["name_frequency"]["adjust"] == 0
    exact = next(x for x in m.match(MatchQuery("Omar Hammami")) if x.case_id == "H1")
    assert exact.features["name_frequency"]["expected_homonyms"] == 0
    # A second person with the family name is a namesake.
    idx2 = CandidateIndex.build([alias_rec, record("H2", "Hammami Yusuf"), *_filler(1200)])
    m2 = Matcher(idx2, MatchConfig(threshold=0.99, report_threshold=0.0, max_results=500))
    hit2 = next(x for x in m2.match(MatchQuery("Hammami Idris")) if x.case_id == "H1")
    assert hit2.features["name_frequency"]["expected_homonyms"] == 1
    assert hit2.features["name_frequency"]["adjust"] < 0


def test_conflicting_name_parts_are_flagged() -> None:
    from docscreen.names.normalise import normalise_name
    from docscreen.names.score import compare_names

    def conflict(a: str, b: str) -> bool:
        return compare_names(normalise_name(a), normalise_name(b)).conflicting_parts

    assert conflict("Belinda Prasetja", "Belinda Hartati")
    assert not conflict("Belinda Prasetja", "Belinda Sari Prasetja")  # a part left off
    assert not conflict("Hammami Umar", "Hammami Omar")  # transliteration, not a conflict
    assert not conflict("Budi Santoso", "Budi Santoso")
    m = Matcher(
        CandidateIndex.build([record("B1", "Belinda Hartati")]),
        MatchConfig(threshold=0.99, report_threshold=0.0, name_conflict=-0.1),
    )
    plain = Matcher(
        CandidateIndex.build([record("B1", "Belinda Hartati")]),
        MatchConfig(threshold=0.99, report_threshold=0.0, name_conflict=0.0),
    )
    q = MatchQuery("Belinda Prasetja")
    assert m.match(q)[0].score == pytest.approx(plain.match(q)[0].score - 0.1, abs=1e-3)


def test_name_only_queries_have_their_own_threshold() -> None:
    idx = CandidateIndex.build([record("R1", "Yohanes Messakh", birth_date="1980-05-01")])
    cfg = MatchConfig(threshold=0.6, name_only_threshold=0.99, report_threshold=0.0)
    m = Matcher(idx, cfg)
    partial = "Yohanes Messakh Lay"  # one part more than the record: name score below 0.99
    alone = m.match(MatchQuery(partial))[0]
    assert not alone.alert and alone.features["threshold"] == 0.99
    with_dob = m.match(MatchQuery(partial, dob="1980-05-01"))[0]
    assert with_dob.alert and with_dob.features["threshold"] == 0.6
    with_nat = m.match(MatchQuery(partial, nationality=("IDN",)))[0]
    assert with_nat.features["threshold"] == 0.6


def test_birth_date_agreement_is_graded() -> None:
    # The same name against records that differ only in how precisely the birth date agrees.
    recs = [
        record("D1", "Rina Kartika Sari", birth_date="1980-05-17", sex="F"),
        record("D2", "Rina Kartika Sari", birth_date="1980-05", sex="F"),
        record("D3", "Rina Kartika Sari", birth_date="1980", sex="F"),
        record("D4", "Rina Kartika Sari", birth_date="1962-11-02", sex="F"),
    ]
    m = Matcher(CandidateIndex.build(recs), MatchConfig(report_threshold=0.0))
    got = {x.case_id: x for x in m.match(MatchQuery("Rina Kartika Sari", dob="1980-05-17"))}
    dob = {k: v.features["birth_date"] for k, v in got.items()}
    assert (dob["D1"]["agreement"], dob["D1"]["precision"]) == ("exact", "day")
    assert (dob["D2"]["agreement"], dob["D2"]["precision"]) == ("overlap", "month")
    assert (dob["D3"]["agreement"], dob["D3"]["precision"]) == ("overlap", "year")
    assert dob["D4"]["agreement"] == "conflict"
    assert dob["D1"]["adjust"] > dob["D2"]["adjust"] >= dob["D3"]["adjust"] > dob["D4"]["adjust"]
    assert got["D1"].score >= got["D2"].score >= got["D3"].score > got["D4"].score
    assert got["D1"].alert and not got["D4"].alert


def test_two_of_three_parts_and_the_birth_year_is_a_namesake_in_a_large_store() -> None:
    # Sixty records carry each of the two parts: "Rahmi Andriani" is an ordinary name here.
    rahmi = [record(f"R{i}", f"Rahmi {chr(65 + i % 26)}{'ox' * (1 + i // 26)}") for i in range(60)]
    andri = [
        record(f"A{i}", f"{chr(65 + i % 26)}{'ux' * (1 + i // 26)} Andriani") for i in range(60)
    ]
    target = record("T1", "Rahmi Andriani", birth_date="1993", sex="F")
    target_exact = record("T2", "Rahmi Andriani", birth_date="1993-12-06", sex="F")
    for listed in (target, target_exact):
        idx = CandidateIndex.build([listed, *rahmi, *andri, *_filler(1200)])
        m = Matcher(idx, MatchConfig(report_threshold=0.0, max_results=500))
        q = MatchQuery("Zahra Rahmi Andriani", dob="1993-12-06", sex="F", nationality=("IDN",))
        hit = next(x for x in m.match(q) if x.case_id == listed.case_id)
        assert hit.features["name_frequency"]["expected_homonyms"] > 1
        if listed is target:
            # Same year only: dozens of records could agree this well by chance.
            assert hit.features["birth_date"]["precision"] == "year"
            assert hit.features["name_frequency"]["adjust"] < -0.3 and not hit.alert
        else:
            # The same day is rare enough even for an ordinary name.
            assert hit.features["birth_date"]["precision"] == "day"
            assert hit.features["name_frequency"]["adjust"] == 0 and hit.alert
