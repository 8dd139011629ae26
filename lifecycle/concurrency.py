"""Two runs of one job on one domain at once: recognise the loser's error and say so clearly.

Ingest takes no lock. Two ingests of a domain share its streaming checkpoint: the checkpoint's
offset and commit files are created without overwriting, and Delta commits are optimistic, so the
second run to claim a batch or a table version fails, while every row goes through a MERGE on
business keys (a line read by both runs is written once). This module turns that failure into a
clear message and exit code 3 instead of a stack trace.
"""

from __future__ import annotations

MARKERS = (
    "ConcurrentModificationException",
    "Multiple streaming queries",
    "concurrent update",
    "ConcurrentAppendException",
    "ConcurrentDeleteReadException",
    "ConcurrentDeleteDeleteException",
    "ConcurrentTransactionException",
    "MetadataChangedException",
    "ProtocolChangedException",
    "FileAlreadyExistsException",
    "DELTA_CONCURRENT",
)
EXIT_CONCURRENT = 3


def is_concurrent_conflict(exc: BaseException) -> bool:
    text = f"{type(exc).__name__}: {exc}"
    return any(marker.lower() in text.lower() for marker in MARKERS)


def message(job: str, domain: str) -> str:
    return (
        f"upt {job}: another {job} of domain {domain!r} ran at the same time and claimed the same batch or table "
        f"version first; this run stopped. Nothing is lost or written twice: rerun `upt {job} --domain {domain}` "
        "once the other has ended to pick up anything left."
    )
