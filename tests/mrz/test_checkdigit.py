from docscreen.mrz.checkdigit import check_digit, is_valid


def test_icao_specimen_check_digits() -> None:
    # ICAO 9303 part 4 specimen: L898902C3, 740812, 120415
    assert check_digit("L898902C3") == "6"
    assert check_digit("740812") == "2"
    assert check_digit("120415") == "9"
    assert is_valid("L898902C3", "6")
    assert not is_valid("L898902C3", "7")


def test_filler_field_and_bad_characters() -> None:
    assert is_valid("<<<<<<<<<<<<<<", "<")
    assert is_valid("<<<<<<<<<<<<<<", "0")
    assert not is_valid("AB<", "<")
    assert check_digit("ab") is None
