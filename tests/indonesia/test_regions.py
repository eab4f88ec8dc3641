from __future__ import annotations

from pathlib import Path

import pytest

from docscreen.errors import ConfigurationError
from docscreen.indonesia import regions as regions_mod
from docscreen.indonesia.regions import (
    CodeStatus,
    load_regions,
    normalise_region_name,
    read_region_table,
)


@pytest.fixture(scope="module")
def table(shared_data: Path) -> regions_mod.RegionTable:
    return read_region_table(shared_data / "indonesia" / "wilayah_kecamatan.csv")


def test_current_codes(table: regions_mod.RegionTable) -> None:
    look = table.lookup("5371")
    assert look.status is CodeStatus.CURRENT and look.name == "Kota Kupang"
    assert table.lookup("53.71.01").status is CodeStatus.CURRENT  # dotted form


def test_papua_2022_recoding_keeps_old_niks_valid(table: regions_mod.RegionTable) -> None:
    look = table.lookup("9101")
    assert look.status is CodeStatus.RECODED
    assert look.successor is not None and look.successor.code == "9301"
    assert "9301" in look.explain()
    assert table.lookup("910101").known


def test_ntt_split_parent_districts(table: regions_mod.RegionTable) -> None:
    # Belu (5304) lost districts 06-11 to Malaka in 2013; old NIKs keep 5304xx codes.
    look = table.lookup("530406")
    assert look.status is CodeStatus.PRE_SPLIT
    assert any(s.child_code == "5321" for s in look.splits)
    assert table.lookup("539906").status is CodeStatus.UNKNOWN


def test_find_tells_kota_from_kabupaten(table: regions_mod.RegionTable) -> None:
    assert [r.code for r, _ in table.find("KOTA KUPANG", "regency")][:1] == ["5371"]
    assert [r.code for r, _ in table.find("KABUPATEN KUPANG", "regency")][:1] == ["5301"]
    districts = table.find("ALAK", "district", "5371")
    assert districts and districts[0][0].code == "537101"


def test_villages_are_read_lazily(table: regions_mod.RegionTable) -> None:
    assert table.has_villages
    villages = table.children("537101", "village")
    assert any(v.name.upper() == "NAMOSAIN" for v in villages)


def test_load_regions_from_setting(shared_data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOCSCREEN_REGION_CODES", raising=False)
    assert load_regions() is None
    monkeypatch.setenv(
        "DOCSCREEN_REGION_CODES", str(shared_data / "indonesia" / "wilayah_kecamatan.csv")
    )
    t = load_regions()
    assert t is not None and t.lookup("53").name == "Nusa Tenggara Timur"
    assert load_regions() is t  # cached


def test_missing_or_bad_list(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="not found"):
        read_region_table(tmp_path / "none.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("kode,nama\n53,NTT\n")
    with pytest.raises(ConfigurationError, match="code,name,level"):
        read_region_table(bad)


def test_normalise_region_name() -> None:
    assert normalise_region_name("Kab. Timor Tengah Selatan") == "TIMOR TENGAH SELATAN"
    assert normalise_region_name("PROVINSI NUSA TENGGARA TIMUR") == "NUSA TENGGARA TIMUR"
    assert normalise_region_name("KOTA KUPANG") == "KOTA KUPANG"
