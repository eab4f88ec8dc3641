"""Three-letter codes valid in an MRZ: ISO 3166-1 alpha-3 plus the ICAO Doc 9303 part 3 additions
(D for Germany, British nationality classes, United Nations, refugees and stateless persons)."""

from __future__ import annotations

_ISO = """
ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN BES BFA BGD BGR BHR
BHS BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN CCK CHE CHL CHN CIV CMR COD COG COK COL
COM CPV CRI CUB CUW CXR CYM CYP CZE DEU DJI DMA DNK DOM DZA ECU EGY ERI ESH ESP EST ETH FIN FJI FLK
FRA FRO FSM GAB GBR GEO GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL GTM GUF GUM GUY HKG HMD HND HRV
HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA JAM JEY JOR JPN KAZ KEN KGZ KHM KIR KNA KOR KWT LAO
LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAC MAF MAR MCO MDA MDG MDV MEX MHL MKD MLI MLT MMR MNE MNG
MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM NCL NER NFK NGA NIC NIU NLD NOR NPL NRU NZL OMN PAK PAN PCN
PER PHL PLW PNG POL PRI PRK PRT PRY PSE PYF QAT REU ROU RUS RWA SAU SDN SEN SGP SGS SHN SJM SLB SLE
SLV SMR SOM SPM SRB SSD STP SUR SVK SVN SWE SWZ SXM SYC SYR TCA TCD TGO THA TJK TKL TKM TLS TON TTO
TUN TUR TUV TWN TZA UGA UKR UMI URY USA UZB VAT VCT VEN VGB VIR VNM VUT WLF WSM YEM ZAF ZMB ZWE
"""
_ICAO_EXTRA = "D GBD GBN GBO GBP GBS UNO UNA UNK XBA XIM XCC XCO XEC XPO XES XMP XOM XDC XXA XXB XXC XXX EUE RKS"

MRZ_COUNTRY_CODES: frozenset[str] = frozenset(_ISO.split()) | frozenset(_ICAO_EXTRA.split())

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
