"""Two runs of one job on one domain at once: recognise the loser's error and say so clearly.

Ingest takes no lock. Two ingests of a domain share its streaming checkpoint: the checkpoint's
offset and commit files are created without overwriting, so the second run to claim a batch fails.
Both can still run one batch at once (claiming is not atomic on every file system); every row goes
through a MERGE on business keys, and a MERGE that loses a table's commit race is run again
(storage.delta_io), so a line read by both runs is written once. This module turns the failure
that remains (the claim of the batch) into a clear message and exit code 3 instead of a stack trace.
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


def is_concurrent_conflict(exc: BaseException | None) -> bool:
    """True when ``exc`` or any exception it was raised from or while handling is a commit race.

    The chain matters: a job's ``finally`` (its job_runs row) can raise while the conflict is in
    flight, and the conflict is then only the new exception's ``__context__``.
    """
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        text = f"{type(exc).__name__}: {exc}".lower()
        if any(marker.lower() in text for marker in MARKERS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def message(job: str, domain: str) -> str:
    return (
        f"upt {job}: another {job} of domain {domain!r} ran at the same time and claimed the same batch or table "
        f"version first; this run stopped. Nothing is lost or written twice: rerun `upt {job} --domain {domain}` "
        "once the other has ended to pick up anything left."
    )
