"""One exception tree for the whole package.

Every error the library raises on purpose derives from :class:`DocscreenError`.  The service maps
these classes to HTTP status codes in exactly one place (``service/errors.py``); the CLI maps them
to exit codes (2 for bad input, 3 for internal errors).
"""

from __future__ import annotations


class DocscreenError(Exception):
    """Base class of every deliberate docscreen error."""


class InputError(DocscreenError):
    """The caller gave us something we cannot work with (exit code 2, HTTP 4xx)."""


class UnreadableFileError(InputError):
    """A file could not be opened or read at all."""


class UnsupportedFormatError(InputError):
    """The content is not one of the accepted image or document formats (judged by content)."""


class ImageTooLargeError(InputError):
    """The image exceeds the configured pixel or dimension limits (decompression-bomb guard)."""


class CorruptImageError(InputError):
    """The content claims a supported format but cannot be decoded."""


class InvalidRecordError(InputError):
    """A case record or import row failed validation."""


class ConfigurationError(DocscreenError):
    """A setting, policy file or reference-data path is wrong."""


class OcrError(DocscreenError):
    """The OCR engine failed for one image (it is reported for that image; the rest go on)."""


class OcrTimeoutError(OcrError):
    """The OCR engine took longer than the configured timeout."""


class OcrCrashError(OcrError):
    """The OCR engine's process died from a signal on one image (a crash, not an answer)."""


class StoreError(DocscreenError):
    """The case store or another database failed."""


class NotFoundError(DocscreenError):
    """A requested record does not exist."""


class PermissionDeniedError(DocscreenError):
    """The caller's role does not allow this action."""
