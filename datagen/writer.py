"""Streaming JSONL output to a local folder or to S3.

Lines go straight to open part files, so memory stays flat however many travellers are generated.
For ``s3://`` targets each part is staged in a temporary folder and uploaded once it is complete
(rolled over or closed), because S3 has no append.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import OrderedDict
from pathlib import Path
from typing import IO

S3_SCHEMES = ("s3://", "s3a://", "s3n://")


def split_s3(uri: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` -> (``bucket``, ``some/prefix``)."""
    rest = uri.split("://", 1)[1]
    bucket, _, prefix = rest.partition("/")
    return bucket, prefix.strip("/")


def s3_client():
    import boto3

    return boto3.client("s3", endpoint_url=os.environ.get("UPT_S3_ENDPOINT") or None)


class Store:
    """A root (folder or S3 prefix) that files are written under by relative path."""

    def __init__(self, root: str) -> None:
        self.remote = root.startswith(S3_SCHEMES)
        if self.remote:
            self.bucket, self.prefix = split_s3(root)
            self.staging = Path(tempfile.mkdtemp(prefix="upt-generate-"))
            self._client = None
        else:
            self.staging = Path(root)

    def path(self, relative: str) -> Path:
        """Where to write ``relative`` now (the final file locally, a staging file for S3)."""
        path = self.staging / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def publish(self, relative: str) -> None:
        """Make a finished file visible: a no-op locally, an upload (then local delete) for S3."""
        if not self.remote:
            return
        if self._client is None:
            self._client = s3_client()
        key = f"{self.prefix}/{relative}" if self.prefix else relative
        local = self.staging / relative
        self._client.upload_file(str(local), self.bucket, key)
        local.unlink()

    def close(self) -> None:
        if self.remote:
            shutil.rmtree(self.staging, ignore_errors=True)


class _Part:
    __slots__ = ("relative", "lines", "index", "started")

    def __init__(self, relative: str) -> None:
        self.relative = relative
        self.lines = 0
        self.index = 0
        self.started = False


class LandingWriter:
    """Writes ``<root>/<business_object>/<domain>/YYYY/MM/DD/part-NNNNN.jsonl``.

    A new part starts every ``lines_per_file`` lines. At most ``max_open`` files are open at once (the
    least recently used is closed and later reopened for append), so a long ``--days`` window cannot
    exhaust file descriptors.
    """

    def __init__(self, root: str, domain: str, lines_per_file: int = 50_000, max_open: int = 64) -> None:
        self.store = Store(root)
        self.domain = domain
        self.lines_per_file = lines_per_file
        self.max_open = max_open
        self.parts: dict[tuple[str, str], _Part] = {}
        self.handles: OrderedDict[tuple[str, str], IO[str]] = OrderedDict()
        self.counts: dict[str, int] = {}
        self.files: list[str] = []

    def _relative(self, business_object: str, folder: str, index: int) -> str:
        return f"{business_object}/{self.domain}/{folder}/part-{index:05d}.jsonl"

    def _handle(self, key: tuple[str, str], part: _Part) -> IO[str]:
        handle = self.handles.get(key)
        if handle is not None:
            self.handles.move_to_end(key)
            return handle
        if len(self.handles) >= self.max_open:
            _, oldest = self.handles.popitem(last=False)
            oldest.close()
        mode = "a" if part.started else "w"
        part.started = True
        handle = open(self.store.path(part.relative), mode, encoding="utf-8", newline="\n", buffering=1 << 20)
        self.handles[key] = handle
        return handle

    def write(self, business_object: str, folder: str, line: str) -> None:
        """Append one JSON line (without newline) for ``business_object`` updated on date ``folder``."""
        key = (business_object, folder)
        part = self.parts.get(key)
        if part is None:
            part = self.parts[key] = _Part(self._relative(business_object, folder, 0))
            self.files.append(part.relative)
        elif part.lines >= self.lines_per_file:
            self._finish(key, part)
            part.index += 1
            part.lines = 0
            part.started = False
            part.relative = self._relative(business_object, folder, part.index)
            self.files.append(part.relative)
        self._handle(key, part).write(line + "\n")
        part.lines += 1
        self.counts[business_object] = self.counts.get(business_object, 0) + 1

    def _finish(self, key: tuple[str, str], part: _Part) -> None:
        handle = self.handles.pop(key, None)
        if handle is not None:
            handle.close()
        self.store.publish(part.relative)

    def close(self) -> None:
        for key in sorted(self.parts):
            self._finish(key, self.parts[key])
        self.store.close()


class TextFile:
    """One text file at a local path or S3 URI, staged and uploaded on close when remote."""

    def __init__(self, uri: str) -> None:
        parent, _, self.name = uri.rstrip("/").rpartition("/")
        self.store = Store(parent or ".")
        self.handle = open(self.store.path(self.name), "w", encoding="utf-8", newline="\n")

    def write(self, text: str) -> None:
        self.handle.write(text)

    def close(self) -> None:
        self.handle.close()
        self.store.publish(self.name)
        self.store.close()
