"""Three-letter codes valid in an MRZ: ISO 3166-1 alpha-3 plus the ICAO Doc 9303 part 3 additions
(D for Germany, British nationality classes, United Nations, refugees and stateless persons)."""

from __future__ import annotations

from docscreen.mrz import countries as _codes

# One list of codes for the whole package: the MRZ layer's.  Withdrawn codes (DDR, YUG, ...) and
# specimen codes (UTO) are judged by their own rules, not as valid current codes here.
MRZ_COUNTRY_CODES: frozenset[str] = frozenset(
    {*_codes.ISO_3166_ALPHA3, *_codes.ICAO_SPECIAL, *_codes.IN_USE_NON_STANDARD}
)

# Printed nationality names seen in visual zones, to compare with the MRZ code.
NATIONALITY_NAMES: dict[str, str] = {
    "INDONESIA": "IDN", "INDONESIAN": "IDN", "WNI": "IDN", "MALAYSIA": "MYS", "MALAYSIAN": "MYS",
    "TIMOR-LESTE": "TLS", "TIMOR LESTE": "TLS", "AUSTRALIA": "AUS", "AUSTRALIAN": "AUS",
    "PHILIPPINES": "PHL", "FILIPINO": "PHL", "SINGAPORE": "SGP", "SINGAPOREAN": "SGP",
    "AZERBAIJAN": "AZE", "ALBANIAN": "ALB", "ALBANIA": "ALB", "UTOPIA": "UTO", "UTOPIAN": "UTO",
    "SAUDI ARABIA": "SAU", "HONG KONG": "HKG", "TAIWAN": "TWN", "JAPAN": "JPN", "JAPANESE": "JPN",
    "KOREA": "KOR", "THAILAND": "THA", "THAI": "THA", "VIET NAM": "VNM", "VIETNAM": "VNM",
    "CHINA": "CHN", "CHINESE": "CHN", "INDIA": "IND", "INDIAN": "IND",
}  # fmt: skip


def nationality_code(printed: str) -> str | None:
    """The ICAO code of a printed nationality (a code already, a known name, or "NAME/NAME")."""
    text = printed.strip().upper()
    if text in MRZ_COUNTRY_CODES or text == "UTO":
        return text
    for part in [text, *text.split("/")]:
        part = part.strip()
        if part in NATIONALITY_NAMES:
            return NATIONALITY_NAMES[part]
        if part in MRZ_COUNTRY_CODES and len(part) == 3:
            return part
    return None
