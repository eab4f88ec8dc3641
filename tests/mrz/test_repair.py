"""repair_lines: alphabet repairs, filler runs, line lengths, check-digit-guided search."""

from __future__ import annotations

import datetime as dt

from docscreen.mrz.compose import MrzData, compose_mrz
from docscreen.mrz.parse import parse_mrz
from docscreen.mrz.repair import repair_lines

TD3 = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)
TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
)

Cands = list[list[tuple[str, float]]]


def confident(line: str, unsure: dict[int, list[tuple[str, float]]] | None = None) -> Cands:
    """Candidates as a recogniser sure of every column except those in ``unsure``."""
    unsure = unsure or {}
    return [
        unsure.get(j, [(c, 0.99), ("<" if c != "<" else "K", 0.005)]) for j, c in enumerate(line)
    ]


def test_field_alphabets_fix_letter_digit_confusions() -> None:
    noisy = (
        "P<UT0ERIK55ON<<ANNA<MAR1A<<<<<<<<<<<<<<<<<<<",
        "L898902C36UTO740BIZZF12041S9ZE184226B<<<<<1O",
    )
    r = repair_lines(noisy)
    assert r.lines == TD3
    assert r.format == "TD3"
    used = {(x.line, x.column): (x.read, x.used) for x in r.repairs}
    assert used[(0, 4)] == ("0", "O")  # country code: only letters
    assert used[(0, 10)] == ("5", "S")  # names: only letters
    assert used[(1, 16)] == ("B", "8")  # dates: only digits
    assert used[(1, 43)] == ("O", "0")  # composite check digit
    assert all(x.reason for x in r.repairs)


def test_valid_mrz_is_left_alone() -> None:
    for lines in (TD3, TD1):
        r = repair_lines(lines)
        assert (r.lines, r.repairs) == (lines, ())
        r = repair_lines(lines, [confident(line) for line in lines])
        assert (r.lines, r.repairs) == (lines, ())


def test_confidently_read_wrong_digit_stays_wrong() -> None:
    forged = (TD3[0], TD3[1][:13] + "7508122" + TD3[1][20:])  # birth year changed, check kept
    assert parse_mrz(forged).checks["birth_date"] == "invalid"
    for cands in (None, [confident(line) for line in forged]):
        r = repair_lines(forged, cands)
        assert r.lines == forged and r.repairs == ()
        assert parse_mrz(r.lines).checks["birth_date"] == "invalid"


def test_unsure_character_is_fixed_by_check_digit_using_recogniser_runner_up() -> None:
    misread = (TD3[0], TD3[1][:13] + "7508122" + TD3[1][20:])
    cands = [confident(TD3[0]), confident(misread[1], {14: [("5", 0.55), ("4", 0.40)]})]
    r = repair_lines(misread, cands)
    assert r.lines == TD3
    (rep,) = r.repairs
    assert (rep.line, rep.column, rep.read, rep.used) == (1, 14, "5", "4")
    assert rep.reason == "check_digit:birth_date"


def test_runner_up_that_does_not_satisfy_the_check_is_not_used() -> None:
    misread = (TD3[0], TD3[1][:13] + "7508122" + TD3[1][20:])
    cands = [confident(TD3[0]), confident(misread[1], {14: [("5", 0.55), ("6", 0.40)]})]
    r = repair_lines(misread, cands)
    assert r.lines == misread


def test_two_equally_good_fixes_change_nothing() -> None:
    # A visa (no composite): check digit read '4' (true 3); "check digit is 3" and "second
    # character is F" are equally likely fixes, so neither is made.
    visa = (
        "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
        "L898902C<3UTO6908061F9406236ZE184226B<<<<<<<",
    )
    line = visa[1][:9] + "4" + visa[1][10:]
    unsure = {1: [("8", 0.5), ("F", 0.4)], 9: [("4", 0.5), ("3", 0.4)]}
    r = repair_lines((visa[0], line), [confident(visa[0]), confident(line, unsure)])
    assert r.lines == (visa[0], line)
    # With only the check digit unsure, the fix is unique and made.
    unsure = {9: [("4", 0.5), ("3", 0.4)]}
    r = repair_lines((visa[0], line), [confident(visa[0]), confident(line, unsure)])
    assert r.lines == visa


def test_composite_check_settles_what_an_own_check_cannot() -> None:
    # TD3: the same two fixes, but only one of them also satisfies the composite check digit.
    line = "L898902C37" + TD3[1][10:]
    unsure = {1: [("8", 0.5), ("F", 0.4)], 9: [("7", 0.5), ("6", 0.4)]}
    r = repair_lines((TD3[0], line), [confident(TD3[0]), confident(line, unsure)])
    assert r.lines == TD3


def test_collapsed_and_doubled_filler_runs_are_repadded() -> None:
    collapsed = (TD3[0][:30] + TD3[0][33:], TD3[1][:38] + TD3[1][40:])
    r = repair_lines(collapsed)
    assert r.lines == TD3
    assert sum(x.reason == "filler_inserted" for x in r.repairs) == 5
    doubled = (TD3[0] + "<", TD3[1][:38] + "<" + TD3[1][38:])
    r = repair_lines(doubled)
    assert r.lines == TD3
    assert sum(x.reason == "filler_removed" for x in r.repairs) == 2


def test_dropped_filler_goes_where_the_check_digits_say() -> None:
    # A TD1 line 2 that lost one '<' of its optional-data run: only one place keeps the
    # composite check digit right.
    r = repair_lines((TD1[0], TD1[1][:20] + TD1[1][21:], TD1[2]))
    assert r.lines == TD1


def test_letters_inside_filler_runs_become_fillers() -> None:
    noisy = (TD3[0][:30] + "K" + TD3[0][31:], TD3[1][:39] + "K" + TD3[1][40:])
    r = repair_lines(noisy)
    assert r.lines == TD3
    assert {x.reason for x in r.repairs} == {"filler"}
    # ... but a one-letter given name after the '<<' separator is a name, not a filler.
    initial = "P<UTOSMITH<<K" + "<" * 31
    assert repair_lines((initial, TD3[1])).lines[0] == initial


def test_s_in_covered_filler_run_only_changed_when_the_check_digit_needs_it() -> None:
    misread = (TD3[0], TD3[1][:39] + "S" + TD3[1][40:])
    assert repair_lines(misread).lines == TD3
    data = MrzData(
        "P", "UTO", "L898902C3", "ERIKSSON", "ANNA", "UTO",
        dt.date(1974, 8, 12), "F", dt.date(2030, 4, 15), personal_number="12345<<S",
    )  # fmt: skip
    printed = compose_mrz("TD3", data)
    assert parse_mrz(printed).valid
    assert repair_lines(printed).lines == printed


def test_country_codes_only_change_into_known_codes() -> None:
    r = repair_lines((TD3[0], TD3[1][:10] + "UT0" + TD3[1][13:]))
    assert r.lines == TD3
    assert r.repairs[0].reason == "country_code"
    # "132" maps to no code: it stays as read, for the rules to see.
    odd = (TD3[0], TD3[1][:10] + "132" + TD3[1][13:])
    assert repair_lines(odd).lines == odd


def test_sex_lookalike() -> None:
    r = repair_lines((TD3[0], TD3[1][:20] + "H" + TD3[1][21:]))
    assert r.lines[1][20] == "M"


def test_case_whitespace_and_non_mrz_characters() -> None:
    messy = (" " + TD3[0].lower()[:30] + "«" + TD3[0][31:], TD3[1][:22] + " " + TD3[1][22:])
    r = repair_lines(messy)
    assert r.lines == TD3
    reasons = {x.reason for x in r.repairs}
    assert {"uppercase", "whitespace_removed"} <= reasons


def test_doc_code_first_letter_and_french_card() -> None:
    noisy = ("1DFRATE5T<NAME<<<<<<<<<<<<<<<<0CHE02", "I7I0GVA123451RO8ERTA<<<<<<<9IIZ3IIF2")
    r = repair_lines(noisy)
    assert r.format == "FRENCH_NATIONAL_ID"
    assert r.lines == (
        "IDFRATEST<NAME<<<<<<<<<<<<<<<<0CHE02",
        "1710GVA123451ROBERTA<<<<<<<9112311F2",
    )
    assert parse_mrz(r.lines).valid


def test_unknown_shape_is_returned_without_format() -> None:
    r = repair_lines(("P<UTO", "L898"))
    assert r.format is None
    assert r.lines == ("P<UTO", "L898")
    r = repair_lines(("one line only",))
    assert r.format is None


def test_candidates_follow_removed_whitespace() -> None:
    misread = (TD3[0], TD3[1][:13] + "7508122" + TD3[1][20:])
    spaced = misread[1][:5] + " " + misread[1][5:]
    line_cands = confident(misread[1], {14: [("5", 0.55), ("4", 0.40)]})
    line_cands.insert(5, [(" ", 0.9)])
    r = repair_lines((TD3[0], spaced), [confident(TD3[0]), line_cands])
    assert r.lines == TD3


def test_several_stray_letters_in_one_filler_run() -> None:
    noisy = (TD1[0], TD1[1], "ERIKSSON<<ANNA<MARIA<<<<S<<C<E")
    assert repair_lines(noisy).lines == TD1


def test_recogniser_doubt_lowers_the_bar_for_a_filler_in_names() -> None:
    initial = "P<UTOSMITH<<K" + "<" * 31
    sure = repair_lines((initial, TD3[1]), [confident(initial), confident(TD3[1])])
    assert sure.lines[0] == initial
    doubt = confident(initial, {12: [("K", 0.55), ("<", 0.40)]})
    unsure = repair_lines((initial, TD3[1]), [doubt, confident(TD3[1])])
    assert unsure.lines[0] == "P<UTOSMITH" + "<" * 34
