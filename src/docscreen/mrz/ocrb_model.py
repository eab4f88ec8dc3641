"""The OCR-B glyph classifier: a small numpy MLP over fixed-size glyph cells.

Stock Tesseract misreads the OCR-B MRZ badly (DESIGN.md), so the MRZ has its own recogniser: each
character cell, cut on the fixed-pitch grid by :mod:`docscreen.mrz.recognise`, is classified by a
one-hidden-layer perceptron trained only on synthetic renders of Debian's ``fonts-ocr-b``
(``scripts/train_ocrb.py`` reproduces the shipped weights).  Plain numpy: opencv-python 5 has no
``cv2.ml`` and nothing may be downloaded at run time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]

from docscreen.errors import ConfigurationError

CHARSET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"
"""The 37 MRZ characters, in the order of the classifier's outputs."""

CELL_W = 20
CELL_H = 26
"""Cell size in pixels after normalisation: the cap height maps to ``CAP_PX`` pixels."""
CAP_PX = 20.0
CELL_WIDTH_CAPS = CELL_W / CAP_PX  # cell width in units of the cap height
CELL_HEIGHT_CAPS = CELL_H / CAP_PX
N_FEATURES = CELL_W * CELL_H

MODEL_FILE = "ocrb_mlp.npz"

FloatArray = NDArray[np.float32]


@dataclass(frozen=True)
class OcrbModel:
    """Weights of the MLP ``softmax(relu((x - mean) @ w1 + b1) @ w2 + b2)``."""

    mean: FloatArray
    w1: FloatArray
    b1: FloatArray
    w2: FloatArray
    b2: FloatArray

    def probabilities(self, cells: FloatArray) -> FloatArray:
        """Class probabilities, one row per cell (``cells`` is ``(n, N_FEATURES)``)."""
        x = cells.reshape(len(cells), -1).astype(np.float32) - self.mean
        hidden = np.maximum(x @ self.w1 + self.b1, 0.0)
        logits = hidden @ self.w2 + self.b2
        logits -= logits.max(axis=1, keepdims=True)
        expo = np.exp(logits)
        out: FloatArray = (expo / expo.sum(axis=1, keepdims=True)).astype(np.float32)
        return out

    def save(self, path: Path) -> None:
        np.savez_compressed(
            path,
            mean=self.mean.astype(np.float16),
            w1=self.w1.astype(np.float16),
            b1=self.b1.astype(np.float32),
            w2=self.w2.astype(np.float16),
            b2=self.b2.astype(np.float32),
            charset=np.array(list(CHARSET)),
        )


def load_model(path: Path | None = None) -> OcrbModel:
    """Load the weights from ``path`` or from the file shipped in ``docscreen/data/ocrb``."""
    if path is None:
        return _shipped_model()
    return _load(path)


def _load(path: Path) -> OcrbModel:
    with np.load(path, allow_pickle=False) as data:
        if "".join(str(c) for c in data["charset"]) != CHARSET:
            raise ValueError(f"{path}: model charset does not match {CHARSET!r}")
        return OcrbModel(
            mean=data["mean"].astype(np.float32),
            w1=data["w1"].astype(np.float32),
            b1=data["b1"].astype(np.float32),
            w2=data["w2"].astype(np.float32),
            b2=data["b2"].astype(np.float32),
        )


SHIPPED = Path(__file__).resolve().parent.parent / "data" / "ocrb" / MODEL_FILE


@lru_cache(maxsize=1)
def _shipped_model() -> OcrbModel:
    if not SHIPPED.is_file():
        raise ConfigurationError(
            f"OCR-B model {SHIPPED} is missing; rebuild it with scripts/train_ocrb.py"
        )
    return _load(SHIPPED)


@lru_cache(maxsize=1)
def _controller() -> ThreadpoolController:
    return ThreadpoolController()


@contextmanager
def single_thread() -> Iterator[None]:
    """Run BLAS on one thread: the matrices are tiny, and on a busy machine OpenBLAS's thread
    start-up costs 100x the product itself (35 ms instead of 0.2 ms per line, measured)."""
    with _controller().limit(limits=1, user_api="blas"):
        yield
