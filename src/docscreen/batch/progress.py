"""Progress on stderr: a one-line bar with rate and ETA on a terminal, plain periodic lines in logs."""

from __future__ import annotations

import sys
import time
from typing import TextIO

_BAR_WIDTH = 24
_TTY_INTERVAL_S = 0.2
_LOG_INTERVAL_S = 15.0


def format_duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes:02d}m"
    if minutes:
        return f"{minutes}m{secs:02d}s"
    return f"{secs}s"


class Progress:
    """Counts finished units; rate and ETA use only units screened in this run, not skipped ones."""

    def __init__(
        self,
        total: int,
        *,
        stream: TextIO | None = None,
        enabled: bool = True,
        tty: bool | None = None,
        interval: float | None = None,
    ) -> None:
        self.total = total
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.tty = self.stream.isatty() if tty is None else tty
        self.interval = (
            interval if interval is not None else (_TTY_INTERVAL_S if self.tty else _LOG_INTERVAL_S)
        )
        self.skipped = 0
        self.duplicates = 0
        self.worked = 0
        self.errors = 0
        self.alerts = 0
        self._started = time.monotonic()
        self._last = 0.0

    @property
    def done(self) -> int:
        return self.skipped + self.worked + self.duplicates

    def skip(self, n: int = 1) -> None:
        self.skipped += n
        self._maybe_show()

    def duplicate(self) -> None:
        self.duplicates += 1
        self._maybe_show()

    def advance(self, *, errors: int = 0, alerts: int = 0) -> None:
        self.worked += 1
        self.errors += errors
        self.alerts += alerts
        self._maybe_show()

    def rate_per_minute(self) -> float:
        elapsed = time.monotonic() - self._started
        return 60.0 * self.worked / elapsed if elapsed > 0 else 0.0

    def eta_seconds(self) -> float | None:
        rate = self.rate_per_minute()
        if rate <= 0:
            return None
        return 60.0 * max(0, self.total - self.done) / rate

    def line(self) -> str:
        pct = 100.0 * self.done / self.total if self.total else 100.0
        eta = self.eta_seconds()
        eta_text = format_duration(eta) if eta is not None else "?"
        text = (
            f"{self.done}/{self.total} ({pct:.0f}%) {self.rate_per_minute():.1f}/min "
            f"ETA {eta_text}  alerts {self.alerts} errors {self.errors}"
        )
        if self.skipped:
            text += f"  (resumed: {self.skipped} already done)"
        return text

    def _maybe_show(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < self.interval:
            return
        self._last = now
        if self.tty:
            filled = int(_BAR_WIDTH * self.done / self.total) if self.total else _BAR_WIDTH
            bar = "#" * filled + "-" * (_BAR_WIDTH - filled)
            self.stream.write(f"\r[{bar}] {self.line()}\x1b[K")
        else:
            self.stream.write(f"batch: {self.line()}\n")
        self.stream.flush()

    def close(self) -> None:
        if not self.enabled:
            return
        self._maybe_show(force=True)
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
