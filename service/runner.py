"""Reading uploaded images (decode + OCR) off the event loop, with a per-request timeout.

:class:`ProcessRunner` keeps ``workers`` long-lived processes (spawned, not forked: the server has
threads) each reading one request at a time; a request that exceeds the timeout gets its worker
killed and replaced, so a runaway OCR call cannot hold a core for ever.  :class:`ThreadRunner` runs
the reader in a thread (tests, fakes): it cannot kill a stuck call, so it only reports the timeout.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any, Protocol

import anyio
import anyio.to_thread

from docscreen.errors import DocscreenError, OcrError, OcrTimeoutError
from docscreen.models import Document
from service.ports import DocumentReader


@dataclass(frozen=True)
class Upload:
    data: bytes
    label: str  # "image 1", never the client's file name


class Runner(Protocol):
    async def read(self, uploads: Sequence[Upload]) -> list[Document]: ...

    def close(self) -> None: ...


def _read_all(reader: DocumentReader, uploads: Sequence[Upload]) -> list[Document]:
    return [reader(u.data, u.label) for u in uploads]


class ThreadRunner:
    def __init__(self, reader: DocumentReader, timeout_s: float) -> None:
        self.reader = reader
        self.timeout_s = timeout_s

    async def read(self, uploads: Sequence[Upload]) -> list[Document]:
        try:
            with anyio.fail_after(self.timeout_s):
                return await anyio.to_thread.run_sync(
                    _read_all, self.reader, uploads, abandon_on_cancel=True
                )
        except TimeoutError as exc:
            raise OcrTimeoutError(f"reading took longer than {self.timeout_s:g} s") from exc

    def close(self) -> None:
        return None


def _worker_main(conn: Connection, reader: DocumentReader) -> None:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            result: tuple[str, Any] = ("ok", _read_all(reader, job))
        except DocscreenError as exc:
            result = ("err", exc)
        except Exception as exc:  # anything else is the reader's bug: report its class only
            result = ("err", OcrError(f"document reader failed ({type(exc).__name__})"))
        try:
            conn.send(result)
        except Exception:
            conn.send(("err", OcrError("document reader returned something unpicklable")))


class _Worker:
    def __init__(self, reader: DocumentReader) -> None:
        ctx = mp.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.process: BaseProcess = ctx.Process(
            target=_worker_main, args=(child, reader), daemon=True, name="docscreen-reader"
        )
        self.process.start()
        child.close()

    def call(self, uploads: Sequence[Upload], timeout_s: float) -> tuple[bool, Any]:
        """Returns ``(alive, result)``; alive False means the worker was killed."""
        try:
            self.conn.send(list(uploads))
            if not self.conn.poll(timeout_s):
                self.kill()
                return False, OcrTimeoutError(f"reading took longer than {timeout_s:g} s")
            _status, payload = self.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self.kill()
            return False, OcrError("the document reader process died")
        return True, payload

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError, BrokenPipeError):
            self.conn.send(None)
        self.process.join(2)
        self.kill()


class ProcessRunner:
    def __init__(self, reader: DocumentReader, workers: int, timeout_s: float) -> None:
        self.reader = reader
        self.timeout_s = timeout_s
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False
        for _ in range(workers):
            w = _Worker(reader)
            self._all.append(w)
            self._idle.put(w)

    def _call(self, uploads: Sequence[Upload]) -> list[Document]:
        worker = self._idle.get()
        alive, result = worker.call(uploads, self.timeout_s)
        if not alive:
            with self._lock:
                self._all.remove(worker)
                if self._closed:
                    raise result
                worker = _Worker(self.reader)
                self._all.append(worker)
        self._idle.put(worker)
        if isinstance(result, BaseException):
            raise result
        return list(result)

    async def read(self, uploads: Sequence[Upload]) -> list[Document]:
        # The calling thread blocks on the pipe; the in-flight cap bounds how many such threads.
        return await anyio.to_thread.run_sync(self._call, uploads)

    def worker_pids(self) -> list[int]:
        with self._lock:
            return [w.process.pid for w in self._all if w.process.pid is not None]

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
        for w in workers:
            w.stop()
