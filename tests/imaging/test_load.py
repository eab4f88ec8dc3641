import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from docscreen.errors import (
    CorruptImageError,
    ImageTooLargeError,
    UnreadableFileError,
    UnsupportedFormatError,
)
from docscreen.imaging.load import load_image


def _png(w: int, h: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), (200, 10, 10)).save(buf, format="PNG")
    return buf.getvalue()


def test_decodes_png_to_bgr() -> None:
    img = load_image(_png(30, 20), name="x.png")
    assert img.size == (30, 20)
    assert img.format == "png"
    assert tuple(img.pixels[0, 0]) == (10, 10, 200)


def test_exif_orientation_is_applied() -> None:
    im = Image.new("RGB", (40, 10), (0, 0, 0))
    exif = im.getexif()
    exif[0x0112] = 6  # rotate 90 CW to display
    buf = io.BytesIO()
    im.save(buf, format="JPEG", exif=exif)
    img = load_image(buf.getvalue(), name="r.jpg")
    assert img.size == (10, 40)
    assert img.exif_rotated


def test_errors_name_the_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    with pytest.raises(UnreadableFileError, match="empty.jpg: file is empty"):
        load_image(empty)
    with pytest.raises(UnreadableFileError, match="no such file"):
        load_image(tmp_path / "missing.png")
    text = tmp_path / "notes.jpg"
    text.write_text("hello")
    with pytest.raises(UnsupportedFormatError, match="notes.jpg"):
        load_image(text)
    truncated = tmp_path / "t.png"
    truncated.write_bytes(_png(200, 200)[:60])
    with pytest.raises(CorruptImageError, match="t.png"):
        load_image(truncated)


def test_decompression_bomb_refused_before_decoding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCSCREEN_MAX_IMAGE_PIXELS", "10000")
    with pytest.raises(ImageTooLargeError, match="pixels"):
        load_image(_png(200, 200), name="bomb.png")
    assert np.asarray(load_image(_png(50, 50)).pixels).shape == (50, 50, 3)


def test_error_messages_are_stable_across_runs() -> None:
    bad = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
    messages = set()
    for _ in range(2):
        with pytest.raises(CorruptImageError) as exc:
            load_image(bytes(bad), name="b.png")
        messages.add(str(exc.value))
    assert len(messages) == 1
    assert " at 0x" not in messages.pop()
