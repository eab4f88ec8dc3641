"""Officer page strings, Bahasa Indonesia first (the default), English on request."""

from __future__ import annotations

LANGS = ("id", "en")
DEFAULT_LANG = "id"

_T: dict[str, dict[str, str]] = {
    "title": {"id": "Pemeriksaan Dokumen", "en": "Document Screening"},
    "login": {"id": "Masuk", "en": "Log in"},
    "logout": {"id": "Keluar", "en": "Log out"},
    "username": {"id": "Nama pengguna", "en": "User name"},
    "password": {"id": "Kata sandi", "en": "Password"},
    "login_failed": {
        "id": "Nama pengguna atau kata sandi salah.",
        "en": "Wrong user name or password.",
    },
    "new_screening": {"id": "Pemeriksaan baru", "en": "New screening"},
    "my_screenings": {"id": "Pemeriksaan saya", "en": "My screenings"},
    "photos": {
        "id": "Foto dokumen (1–4: paspor, KTP, ...) — ambil foto atau unggah",
        "en": "Document photos (1–4: passport, KTP, ...) — take or upload",
    },
    "take_photo": {"id": "Ambil foto dengan kamera", "en": "Take a photo with the camera"},
    "upload_photos": {"id": "Atau pilih file gambar", "en": "Or choose image files"},
    "purpose": {"id": "Tujuan perjalanan", "en": "Purpose of travel"},
    "destination": {
        "id": "Negara tujuan (kode 3 huruf)",
        "en": "Destination country (3-letter code)",
    },
    "departure": {"id": "Tanggal keberangkatan", "en": "Departure date"},
    "screen": {"id": "Periksa", "en": "Screen"},
    "risk": {"id": "Tingkat risiko", "en": "Risk level"},
    "risk_CLEAR": {"id": "AMAN — tidak ada temuan", "en": "CLEAR — nothing found"},
    "risk_REVIEW": {
        "id": "PERLU DITINJAU — periksa lebih lanjut",
        "en": "REVIEW — take a second look",
    },
    "risk_ALERT": {"id": "PERINGATAN — rujuk ke supervisor", "en": "ALERT — refer to a supervisor"},
    "advice": {
        "id": "Sistem ini hanya merujuk untuk pemeriksaan kedua; keputusan tetap pada petugas.",
        "en": "This system only refers for a second look; the officer decides.",
    },
    "reasons": {"id": "Alasan", "en": "Reasons"},
    "no_reasons": {"id": "Tidak ada temuan.", "en": "No findings."},
    "matches": {"id": "Kecocokan dengan data kasus", "en": "Known-case matches"},
    "matches_officer": {
        "id": "Ada {n} kecocokan dengan data kasus. Hubungi supervisor.",
        "en": "{n} known-case record(s) matched. Contact a supervisor.",
    },
    "images": {
        "id": "Gambar (area mencurigakan ditandai)",
        "en": "Images (suspect regions outlined)",
    },
    "documents": {"id": "Dokumen terbaca", "en": "Documents read"},
    "print": {"id": "Cetak", "en": "Print"},
    "screened_at": {"id": "Waktu pemeriksaan", "en": "Screened at"},
    "reference": {"id": "Nomor rujukan", "en": "Reference"},
    "none_yet": {"id": "Belum ada pemeriksaan.", "en": "No screenings yet."},
    "use_api": {
        "id": "Peran Anda tidak melakukan pemeriksaan. Gunakan API untuk tugas Anda.",
        "en": "Your role does not screen travellers. Use the API for your tasks.",
    },
    "error": {"id": "Tidak dapat diproses", "en": "Could not be processed"},
    "back": {"id": "Kembali", "en": "Back"},
    "severity": {"id": "Tingkat", "en": "Severity"},
    "purpose_work": {"id": "Bekerja", "en": "Work"},
    "purpose_tourism": {"id": "Wisata", "en": "Tourism"},
    "purpose_umrah": {"id": "Umrah / ibadah", "en": "Umrah / pilgrimage"},
    "purpose_study": {"id": "Belajar", "en": "Study"},
    "purpose_family": {"id": "Kunjungan keluarga", "en": "Family visit"},
    "purpose_other": {"id": "Lainnya", "en": "Other"},
    "field": {"id": "Isian", "en": "Field"},
    "value": {"id": "Nilai", "en": "Value"},
}

# Headlines for the web page's error codes (service/errors.py STATUS); the detail stays as sent.
ERRORS: dict[str, dict[str, str]] = {
    "unsupported_format": {
        "id": "Bukan file gambar yang didukung (JPEG, PNG, TIFF, BMP, WebP).",
        "en": "Not a supported image file (JPEG, PNG, TIFF, BMP, WebP).",
    },
    "image_too_large": {"id": "Gambar terlalu besar.", "en": "The image is too large."},
    "file_too_large": {"id": "File terlalu besar.", "en": "The file is too large."},
    "corrupt_image": {
        "id": "Gambar rusak atau terpotong. Ambil foto lagi.",
        "en": "The image is damaged or cut off. Take the photo again.",
    },
    "unreadable_file": {
        "id": "File kosong atau tidak terbaca.",
        "en": "The file is empty or unreadable.",
    },
    "file_count": {"id": "Kirim 1 sampai 4 gambar.", "en": "Send 1 to 4 images."},
    "rate_limited": {
        "id": "Terlalu banyak pemeriksaan dalam satu menit. Tunggu sebentar.",
        "en": "Too many screenings in a minute. Wait a moment.",
    },
    "busy": {
        "id": "Sistem sedang sibuk. Coba lagi sebentar lagi.",
        "en": "The system is busy. Try again shortly.",
    },
    "ocr_timeout": {
        "id": "Pembacaan dokumen terlalu lama.",
        "en": "Reading the document took too long.",
    },
    "not_ready": {"id": "Sistem belum siap.", "en": "The system is not ready yet."},
    "not_found": {"id": "Pemeriksaan tidak ditemukan.", "en": "Screening not found."},
    "bad_input": {"id": "Isian tidak valid.", "en": "Invalid input."},
}

PURPOSES = ("work", "tourism", "umrah", "study", "family", "other")


def error_text(code: str, lang: str) -> str | None:
    entry = ERRORS.get(code)
    return entry[pick_lang(lang)] if entry else None


def pick_lang(value: str | None) -> str:
    return value if value in LANGS else DEFAULT_LANG


def translator(lang: str) -> dict[str, str]:
    lang = pick_lang(lang)
    return {k: v[lang] for k, v in _T.items()}
