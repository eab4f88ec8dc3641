"""The rule catalogue: every check's stable code, severity, scope and bilingual message.

Codes are stable: reports, policy files and audit trails refer to them.  ``group`` joins rules that
report the same underlying fault (a birth date changed in the visual zone fails both the generic
MRZ/VIZ rule and the Indonesian passport rule PP-03): the policy counts a group once.  The
Indonesian rules follow ``crosscheck_rules.csv`` (codes and default severities unchanged).
"""

from __future__ import annotations

from dataclasses import dataclass

from docscreen.models import Message, Severity

C, H, M, L, INFO = (
    Severity.CRITICAL,
    Severity.HIGH,
    Severity.MEDIUM,
    Severity.LOW,
    Severity.INFO,
)


@dataclass(frozen=True)
class RuleSpec:
    code: str
    severity: Severity
    applies_to: tuple[str, ...]  # document kinds, or "bundle" / "context" / "records"
    message_id: str  # Bahasa Indonesia: the reason an officer reads when the rule fails
    message_en: str
    group: str = ""  # rules reporting one fault share a group (counted once by the policy)
    pixel: bool = False  # an image-tamper signal: never raises ALERT on its own
    needs: str = ""  # data the documents cannot give (rule is not_performed without it)
    source: str = ""

    @property
    def message(self) -> Message:
        return Message(id=self.message_id, en=self.message_en)

    @property
    def fault(self) -> str:
        return self.group or self.code


PASSPORTS = ("idn_passport", "passport")
MRZ_DOCS = ("idn_passport", "passport", "td1_card", "td2_card", "visa")
KTP = ("idn_ktp",)
KK = ("idn_kk",)
ICAO = "ICAO Doc 9303"
CSV = "crosscheck_rules.csv"

_RULES: tuple[RuleSpec, ...] = (
    # --- ICAO 9303: the MRZ on its own -------------------------------------------------------
    RuleSpec("ICAO-CD-NUMBER", M, MRZ_DOCS,
             "Digit pemeriksa nomor dokumen pada MRZ salah.",
             "The MRZ check digit of the document number is wrong.", "mrz_check", source=ICAO),
    RuleSpec("ICAO-CD-BIRTH", M, MRZ_DOCS,
             "Digit pemeriksa tanggal lahir pada MRZ salah.",
             "The MRZ check digit of the birth date is wrong.", "mrz_check", source=ICAO),
    RuleSpec("ICAO-CD-EXPIRY", M, MRZ_DOCS,
             "Digit pemeriksa tanggal habis berlaku pada MRZ salah.",
             "The MRZ check digit of the expiry date is wrong.", "mrz_check", source=ICAO),
    RuleSpec("ICAO-CD-OPTIONAL", L, MRZ_DOCS,
             "Digit pemeriksa data opsional (nomor pribadi) pada MRZ salah.",
             "The MRZ check digit of the optional data (personal number) is wrong.", "mrz_check",
             source=ICAO),
    RuleSpec("ICAO-CD-COMPOSITE", M, MRZ_DOCS,
             "Digit pemeriksa gabungan (komposit) pada MRZ salah.",
             "The composite check digit of the MRZ is wrong.", "mrz_check", source=ICAO),
    RuleSpec("ICAO-FORMAT", M, MRZ_DOCS,
             "Susunan MRZ tidak sesuai format ICAO (panjang baris, karakter, kode dokumen, jenis kelamin).",
             "The MRZ does not follow the ICAO layout (line length, characters, document code, sex).",
             source=ICAO),
    RuleSpec("ICAO-COUNTRY", M, MRZ_DOCS,
             "Kode negara penerbit atau kewarganegaraan pada MRZ bukan kode ICAO.",
             "The issuing-state or nationality code in the MRZ is not an ICAO code.", source=ICAO),
    RuleSpec("ICAO-DATES", H, MRZ_DOCS + KTP,
             "Tanggal pada dokumen tidak mungkin (bukan tanggal kalender, atau lahir di masa depan).",
             "A date on the document is impossible (not a calendar date, or birth in the future).",
             source=ICAO),
    RuleSpec("ICAO-SPECIMEN", H, MRZ_DOCS + KTP,
             "Dokumen memuat data contoh (SPECIMEN/CONTOH, UTO, ERIKSSON): bukan dokumen perjalanan sah.",
             "The document carries specimen data (SPECIMEN/CONTOH, UTO, ERIKSSON): not a valid travel document.",
             source=ICAO),
    RuleSpec("ICAO-EXPIRED", H, MRZ_DOCS,
             "Dokumen sudah habis masa berlakunya pada tanggal pemeriksaan atau keberangkatan.",
             "The document has expired at the screening or departure date.", source=ICAO),
    RuleSpec("ICAO-VALIDITY", M, MRZ_DOCS,
             "Masa berlaku dokumen lebih panjang dari yang diizinkan untuk jenis dokumen ini.",
             "The validity period is longer than this document type allows.", "validity",
             source=ICAO),
    RuleSpec("ICAO-ISSUE-EXPIRY", H, MRZ_DOCS,
             "Tanggal terbit tidak sebelum tanggal habis berlaku.",
             "The issue date is not before the expiry date.", source=ICAO),
    RuleSpec("ICAO-BIRTH-ISSUE", H, MRZ_DOCS + KTP,
             "Tanggal lahir tidak sebelum tanggal terbit dokumen.",
             "The birth date is not before the issue date.", source=ICAO),
    # --- MRZ versus visual zone -----------------------------------------------------------------
    RuleSpec("MRZ-VIZ-NAME", H, MRZ_DOCS,
             "Nama pada MRZ berbeda dengan nama yang tercetak (setelah transliterasi ICAO).",
             "The name in the MRZ differs from the printed name (after ICAO transliteration).",
             "mrz_viz", source=ICAO),
    RuleSpec("MRZ-VIZ-BIRTH", H, MRZ_DOCS,
             "Tanggal lahir pada MRZ berbeda dengan yang tercetak.",
             "The birth date in the MRZ differs from the printed birth date.", "mrz_viz",
             source=ICAO),
    RuleSpec("MRZ-VIZ-SEX", H, MRZ_DOCS,
             "Jenis kelamin pada MRZ berbeda dengan yang tercetak.",
             "The sex in the MRZ differs from the printed sex.", "mrz_viz", source=ICAO),
    RuleSpec("MRZ-VIZ-EXPIRY", H, MRZ_DOCS,
             "Tanggal habis berlaku pada MRZ berbeda dengan yang tercetak.",
             "The expiry date in the MRZ differs from the printed expiry date.", "mrz_viz",
             source=ICAO),
    RuleSpec("MRZ-VIZ-NUMBER", H, MRZ_DOCS,
             "Nomor dokumen pada MRZ berbeda dengan yang tercetak.",
             "The document number in the MRZ differs from the printed number.", "mrz_viz",
             source=ICAO),
    RuleSpec("MRZ-VIZ-NATIONALITY", M, MRZ_DOCS,
             "Kewarganegaraan pada MRZ berbeda dengan yang tercetak.",
             "The nationality in the MRZ differs from the printed nationality.", "mrz_viz",
             source=ICAO),
    # --- one traveller --------------------------------------------------------------------------
    RuleSpec("BUNDLE-01", H, ("bundle",),
             "Dokumen-dokumen ini tampaknya milik orang yang berbeda (nama dan tanggal lahir tidak cocok).",
             "These documents appear to belong to different people (names and birth dates disagree)."),
    RuleSpec("AGE-MINOR", INFO, ("bundle",),
             "Pelintas berusia di bawah 18 tahun saat berangkat: periksa pendamping dan izin orang tua/wali.",
             "The traveller is under 18 at departure: check the accompanying adult and parental consent."),
    # --- NIK --------------------------------------------------------------------------------------
    RuleSpec("NIK-01", H, KTP + KK,
             "NIK tidak terdiri dari tepat 16 angka.", "The NIK is not exactly 16 digits.", "nik",
             source=CSV),
    RuleSpec("NIK-02", H, KTP + KK,
             "Dua angka pertama NIK bukan kode provinsi yang pernah ada.",
             "The first two NIK digits are not a province code of any Kemendagri list.",
             "nik_region", source=CSV),
    RuleSpec("NIK-03", M, KTP + KK,
             "Empat angka pertama NIK bukan kode kabupaten/kota yang pernah ada.",
             "The first four NIK digits are not a regency code of any Kemendagri list.",
             "nik_region", source=CSV),
    RuleSpec("NIK-04", L, KTP + KK,
             "Enam angka pertama NIK bukan kode kecamatan yang pernah ada.",
             "The first six NIK digits are not a district code of any Kemendagri list.",
             "nik_region", source=CSV),
    RuleSpec("NIK-05", H, KTP + KK,
             "Tanggal lahir dalam NIK tidak mungkin (hari 01-31 atau 41-71, bulan 01-12).",
             "The birth date encoded in the NIK is impossible (day 01-31 or 41-71, month 01-12).",
             "nik", source=CSV),
    RuleSpec("NIK-06", M, KTP + KK,
             "Nomor urut NIK (4 angka terakhir) adalah 0000.",
             "The NIK serial (last four digits) is 0000.", "nik", source=CSV),
    RuleSpec("NIK-07", H, KTP + KK,
             "Tanggal lahir dalam NIK di masa depan atau usia lebih dari 110 tahun.",
             "The NIK birth date is in the future or gives an age over 110.", "nik", source=CSV),
    # --- KTP ---------------------------------------------------------------------------------------
    RuleSpec("KTP-01", H, KTP,
             "Jenis kelamin menurut NIK (hari +40 = perempuan) berbeda dengan yang tercetak di KTP.",
             "The sex implied by the NIK (day +40 = female) differs from the sex printed on the KTP.",
             source=CSV),
    RuleSpec("KTP-02", M, KTP,
             "Tanggal lahir dalam NIK berbeda dengan tanggal lahir tercetak di KTP.",
             "The birth date in the NIK differs from the birth date printed on the KTP.",
             "ktp_dob", source=CSV),
    RuleSpec("KTP-02b", C, KTP,
             "Menurut NIK pemegang di bawah 18 tahun, sedangkan tanggal lahir tercetak menunjukkan dewasa: tanda pemalsuan umur anak.",
             "The NIK makes the holder under 18 while the printed birth date makes them an adult: signature of a minor's age being inflated.",
             "ktp_dob_age", source=CSV),
    RuleSpec("KTP-03", H, KTP,
             "Alamat di KTP tidak mungkin: desa/kelurahan, kecamatan, kabupaten/kota dan provinsi tidak saling sesuai.",
             "The KTP address is impossible: village, district, regency and province do not belong together.",
             needs="region code list", source=CSV),
    RuleSpec("KTP-04", L, KTP,
             "Kode wilayah NIK berbeda dengan kabupaten/kota pada kepala KTP.",
             "The NIK region code differs from the regency in the KTP header.", needs="region code list",
             source=CSV),
    RuleSpec("KTP-05", H, KTP,
             "KTP diterbitkan sebelum pemegang berusia 17 tahun padahal berstatus belum kawin.",
             "The KTP was issued before the holder turned 17 although they are unmarried.",
             source=CSV),
    RuleSpec("KTP-06", M, KTP + KK,
             "Berstatus kawin tetapi menikah sebelum usia 19 tahun: indikasi perkawinan anak.",
             "Married, but before the age of 19: a child-marriage indicator.", source=CSV),
    RuleSpec("KTP-07", M, KTP,
             "Masa berlaku KTP-el tidak wajar (harus SEUMUR HIDUP, atau tanggal hanya pada KTP terbitan 2011-2016).",
             "The KTP-el validity is abnormal (must be SEUMUR HIDUP, or a date only on cards issued 2011-2016).",
             source=CSV),
    RuleSpec("KTP-08", L, KTP + KK,
             "Isian agama, status perkawinan, golongan darah, pekerjaan atau kewarganegaraan tidak sesuai kosakata resmi.",
             "Religion, marital status, blood group, occupation or citizenship is not an official value.",
             source=CSV),
    RuleSpec("KTP-09", L, KTP + KK,
             "KTP/KK diterbitkan kurang dari 90 hari sebelum pengurusan paspor atau keberangkatan.",
             "The KTP/KK was issued less than 90 days before the passport application or departure.",
             source=CSV),
    RuleSpec("KTP-10", INFO, KTP + KK + PASSPORTS,
             "Tanggal lahir berpola tanggal pengganti (01-07, 31-12, 01-01 atau tanggal 15): bukti umur lemah, minta akta/ijazah.",
             "The birth date looks like a placeholder (01-07, 31-12, 01-01 or the 15th): weak age evidence, ask for a birth certificate or diploma.",
             source=CSV),
    # --- KK -------------------------------------------------------------------------------------
    RuleSpec("KK-01", M, KK,
             "Nomor KK tidak sah (16 angka, kode kecamatan, tanggal registrasi).",
             "The KK number is invalid (16 digits, district code, registration date).", source=CSV),
    RuleSpec("KK-02", H, ("idn_ktp+idn_kk",),
             "NIK di KTP tidak ada di KK, atau nama/jenis kelamin/tempat/tanggal lahir berbeda.",
             "The KTP's NIK is not on the KK, or the name, sex, birthplace or birth date differ.",
             source=CSV),
    RuleSpec("KK-02b", C, ("idn_kk+any",),
             "Menurut KK pemegang di bawah 18 tahun, sedangkan KTP/paspor menunjukkan dewasa.",
             "The KK makes the holder under 18 while the KTP/passport makes them an adult.",
             "age_cross", source=CSV),
    RuleSpec("KK-03", H, KK,
             "Susunan keluarga di KK tidak wajar (umur orang tua saat kelahiran anak, anak lebih tua dari orang tua).",
             "The KK family is implausible (parents' ages at the children's births, a child older than a parent).",
             source=CSV),
    RuleSpec("KK-04", M, ("idn_ktp+idn_kk",),
             "Alamat KTP berbeda dengan alamat KK.", "The KTP address differs from the KK address.",
             source=CSV),
    RuleSpec("KK-05", M, ("idn_ktp+idn_kk",),
             "Agama atau status perkawinan berbeda antara KTP dan KK.",
             "Religion or marital status differ between the KTP and the KK.", source=CSV),
    RuleSpec("KK-06", M, KK,
             "Status hubungan dalam keluarga tidak sesuai jenis kelamin/status perkawinan.",
             "The family role does not fit the member's sex or marital status.", source=CSV),
    # --- passport -------------------------------------------------------------------------------
    RuleSpec("PP-01", H, ("idn_passport",),
             "Digit pemeriksa MRZ paspor tidak sah (pindai ulang dulu; jika tetap, indikasi perubahan).",
             "The passport MRZ check digits are invalid (rescan first; if it persists, a sign of alteration).",
             "mrz_check", source=CSV),
    RuleSpec("PP-02", H, ("idn_passport",),
             "Paspor Indonesia harus berkode dokumen P dengan negara penerbit dan kewarganegaraan IDN.",
             "An Indonesian passport must have document code P and issuing state and nationality IDN.",
             source=CSV),
    RuleSpec("PP-03", H, ("idn_passport",),
             "Data MRZ paspor (nama, tanggal lahir, jenis kelamin, habis berlaku, nomor) berbeda dengan halaman data.",
             "The passport MRZ (name, birth date, sex, expiry, number) differs from the printed data page.",
             "mrz_viz", source=CSV),
    RuleSpec("PP-04", L, ("idn_passport",),
             "Nomor paspor tidak berpola huruf + 7 angka (pola pengamatan, belum resmi).",
             "The passport number is not one letter + 7 digits (observed pattern, not official).",
             source=CSV),
    RuleSpec("PP-05", M, ("idn_passport",),
             "Masa berlaku paspor tidak sesuai aturan (5 tahun sebelum 12 Okt 2022; 10 tahun sesudahnya untuk dewasa).",
             "The passport validity breaks the rules (5 years before 12 Oct 2022; 10 years after for adults).",
             "validity", source=CSV),
    RuleSpec("PP-06", H, ("idn_passport+idn_ktp",),
             "Tanggal lahir di paspor berbeda dengan di KTP/KK.",
             "The passport birth date differs from the KTP/KK birth date.", "dob_cross",
             source=CSV),
    RuleSpec("PP-06b", C, ("idn_passport+idn_ktp",),
             "Perbedaan tanggal lahir antara paspor dan KTP/KK membuat pemegang melewati batas 18 (atau 21) tahun: indikasi pemalsuan umur.",
             "The birth-date difference between passport and KTP/KK moves the holder across 18 (or 21): age falsification indicator.",
             "age_cross", source=CSV),
    RuleSpec("PP-07", H, ("idn_passport+idn_ktp",),
             "Jenis kelamin berbeda antara paspor, KTP dan NIK.",
             "The sex differs between the passport, the KTP and the NIK.", source=CSV),
    RuleSpec("PP-08", M, ("idn_passport+idn_ktp",),
             "Nama di paspor dan KTP/KK tidak cocok setelah normalisasi (gelar, ejaan lama, urutan).",
             "The passport and KTP/KK names disagree after normalisation (titles, old spelling, order).",
             source=CSV),
    RuleSpec("PP-09", M, ("idn_passport+idn_ktp",),
             "Tempat lahir berbeda antara paspor dan KTP.",
             "The place of birth differs between the passport and the KTP.", source=CSV),
    RuleSpec("PP-10", L, ("idn_passport+idn_ktp",),
             "Paspor diterbitkan kantor imigrasi jauh dari provinsi KTP.",
             "The passport was issued by an immigration office far from the KTP's province.",
             needs="region code list (outside NTT)", source=CSV),
    RuleSpec("PP-11", M, ("idn_passport+idn_ktp",),
             "Paspor diterbitkan kurang dari 90 hari setelah KTP/KK diterbitkan: dokumen dibuat mendadak.",
             "The passport was issued less than 90 days after the KTP/KK: just-in-time documents.",
             source=CSV),
    RuleSpec("PP-12", H, ("idn_passport",),
             "Pemegang di bawah 17 tahun dan belum kawin saat terbit, tetapi paspor berlaku 10 tahun.",
             "The holder was under 17 and unmarried at issue but the passport is valid for 10 years.",
             "validity", source=CSV),
    # --- migrant workers (PMI) ---------------------------------------------------------------------
    RuleSpec("PMI-01", C, ("bundle",),
             "Tanggal lahir termuda dari semua dokumen: di bawah 18 tahun saat berangkat kerja (UU 18/2017 Ps.5).",
             "The youngest birth date of all documents makes the traveller under 18 at departure for work (UU 18/2017 art. 5).",
             "age_minor", source=CSV),
    RuleSpec("PMI-02", H, ("bundle",),
             "Penempatan pekerja rumah tangga/informal dengan umur di bawah 21 tahun.",
             "Domestic/informal placement with the youngest birth date under 21.", source=CSV),
    RuleSpec("PMI-03", H, ("context",),
             "Tujuan bekerja tetapi dokumen wajib tidak lengkap (visa kerja, perjanjian kerja, perjanjian penempatan, BPJS, ID PMI).",
             "Travelling for work but required documents are missing (work visa, work contract, placement agreement, BPJS, ID PMI).",
             needs="declared purpose and documents seen", source=CSV),
    RuleSpec("PMI-04", M, ("context",),
             "Visa kunjungan/wisata, tanpa tiket pulang atau tujuan tidak jelas, usia 18-35 tahun.",
             "Visit/tourist purpose without a return ticket or with a vague purpose, aged 18-35.",
             needs="declared purpose", source=CSV),
    RuleSpec("PMI-05", H, ("context",),
             "Perjanjian kerja tidak cocok dengan paspor atau tidak memuat unsur wajib (UU 18/2017 Ps.15).",
             "The work contract does not match the passport or lacks required elements (UU 18/2017 art. 15).",
             needs="work contract data entered by the officer", source=CSV),
    RuleSpec("PMI-06", M, ("context",),
             "Surat izin (suami/istri/orang tua/wali) tidak ditandatangani anggota KK dengan hubungan tersebut.",
             "The consent letter is not signed by a KK member with the stated relation.",
             needs="consent letter data and KK", source=CSV),
    RuleSpec("PMI-07", M, ("context",),
             "Perjanjian membebankan biaya penempatan atau potongan gaji untuk utang rekrutmen kepada pekerja.",
             "The contract charges placement costs or recruitment-debt wage deductions to the worker.",
             needs="work contract data entered by the officer", source=CSV),
    RuleSpec("PMI-08", INFO, ("bundle",),
             "Tidak adanya kartu E-KTKLN/E-PMI bukan kesalahan (bukan dokumen wajib).",
             "A missing E-KTKLN/E-PMI card is not an error (not a mandatory document).", source=CSV),
    # --- case records ----------------------------------------------------------------------------
    RuleSpec("ID-01", C, ("records",),
             "NIK atau nomor paspor yang sama tercatat atas nama/tanggal lahir lain dalam catatan kasus.",
             "The same NIK or passport number is recorded under another name/birth date in case records.",
             needs="case store", source=CSV),
    RuleSpec("ID-02", H, ("records",),
             "Nama mirip dengan catatan kasus, selisih tanggal lahir <= 6 tahun dan daerah sama: kemungkinan identitas diubah.",
             "The name resembles a case record with birth dates <= 6 years apart and the same region: possible altered identity.",
             needs="case store", source=CSV),
    RuleSpec("ID-03", M, ("idn_kk", "records"),
             "Nama ayah/ibu tidak sama antara KK, akta, permohonan paspor dan catatan.",
             "The parents' names differ between the KK, birth certificate, passport application and records.",
             needs="parents' names from the birth certificate / passport application", source=CSV),
    RuleSpec("ID-04", M, KTP,
             "Tanda keamanan fisik KTP meragukan (lambang Garuda, foto ditempel, tanda tangan).",
             "Physical security features of the KTP are doubtful (Garuda emblem, overlaid photo, signature).",
             pixel=True, needs="image forensics signals", source=CSV),
    # --- image tamper signals (docscreen.forensics): never ALERT on their own.  The field-level
    # signals, near chance on realistic captures (benchmarks/RESULTS.md, tamper_detection), are
    # LOW: shown as evidence with their regions; the policy's review.pixel_count of them together
    # raise REVIEW.  Photocopy and screen recapture are reliable (precision >= 0.96) but say how
    # the image was taken, not that the document is forged: LOW ("ask for the original"), so a
    # genuine document photocopied is not sent to a second look; policies may raise them.
    RuleSpec("TAMPER-SEAM", L, MRZ_DOCS + KTP,
             "Pola latar di sekitar isian terputus: teks mungkin dihapus lalu diketik ulang.",
             "The background print breaks off around a field: text may have been erased and retyped.",
             "image_tamper", pixel=True),
    RuleSpec("TAMPER-GLYPHS", L, MRZ_DOCS + KTP,
             "Ukuran, ketebalan atau warna huruf pada satu isian berbeda dari isian lain.",
             "One field's print size, stroke weight or ink differs from the other fields.",
             "image_tamper", pixel=True),
    RuleSpec("TAMPER-COPYMOVE", L, MRZ_DOCS + KTP,
             "Huruf/angka pada isian tampak disalin dari bagian lain dokumen yang sama.",
             "Characters in a field appear to be copied from elsewhere on the same document.",
             "image_tamper", pixel=True),
    RuleSpec("TAMPER-PHOTO", L, MRZ_DOCS + KTP,
             "Tepi atau letak foto tidak wajar: foto mungkin diganti.",
             "The photo's border or position is abnormal: the photo may have been replaced.",
             "image_tamper", pixel=True),
    RuleSpec("TAMPER-PHOTOCOPY", L, MRZ_DOCS + KTP,
             "Gambar berupa fotokopi hitam-putih, bukan dokumen asli: minta dokumen aslinya.",
             "The image is a greyscale photocopy, not the original document: ask for the original.",
             "image_capture", pixel=True),
    RuleSpec("TAMPER-RECAPTURE", L, MRZ_DOCS + KTP,
             "Gambar tampaknya difoto dari layar (pola moire): minta dokumen aslinya.",
             "The image appears to be photographed from a screen (moire pattern): ask for the original.",
             "image_capture", pixel=True),
)  # fmt: skip

CATALOGUE: dict[str, RuleSpec] = {r.code: r for r in _RULES}

# The rules the Indonesian specification lists (all 50 are in the catalogue).
CSV_CODES: tuple[str, ...] = tuple(r.code for r in _RULES if r.source == CSV)


def spec(code: str) -> RuleSpec:
    return CATALOGUE[code]
