"""Small synthetic inputs for the batch tests (random pixels; no person's data)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

SKIP_FIELDS = {"seconds", "timings"}


def png_bytes(seed: int, size: int = 24) -> bytes:
    rng = np.random.default_rng(seed)
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 255, (size, size, 3), dtype=np.uint8)).save(buf, "PNG")
    return buf.getvalue()


def frames(seed: int, n: int, size: int = 20) -> list[Image.Image]:
    rng = np.random.default_rng(seed)
    return [
        Image.fromarray(rng.integers(0, 255, (size, size, 3), dtype=np.uint8)) for _ in range(n)
    ]


def multipage(seed: int, n: int, fmt: str) -> bytes:
    pages = frames(seed, n)
    buf = io.BytesIO()
    pages[0].save(buf, format=fmt, save_all=True, append_images=pages[1:])
    return buf.getvalue()


def make_folder(root: Path, n_docs: int, *, nasty: bool = True, hang: bool = False) -> Path:
    """n_docs small PNGs, with a corrupt, an empty and a non-image file (and a hanging one)."""
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n_docs):
        (root / f"doc{i:03d}.png").write_bytes(png_bytes(i))
        if nasty and i == n_docs // 2:
            (root / f"doc{i:03d}_corrupt.jpg").write_bytes(
                b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 40
            )
            (root / f"doc{i:03d}_empty.png").write_bytes(b"")
            (root / f"doc{i:03d}_notes.txt").write_text("bukan gambar / not an image\n")
            if hang:
                (root / f"doc{i:03d}_HANG.png").write_bytes(png_bytes(10_000 + i))
    return root


def strip(value: Any) -> Any:
    """A row without its timing fields (which legitimately differ between runs)."""
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k not in SKIP_FIELDS}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    text = path.read_text(encoding="utf-8")
    assert text == "" or text.endswith("\n"), "a partial trailing line survived"
    return [json.loads(line) for line in text.splitlines()]


def keyed(path: Path) -> dict[str, str]:
    """Rows keyed by id, each as canonical JSON without timings; asserts no duplicate ids."""
    rows = read_jsonl(path)
    out = {str(r["id"]): json.dumps(strip(r), sort_keys=True) for r in rows}
    assert len(out) == len(rows), "duplicate rows"
    return out
