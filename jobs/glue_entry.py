"""The script a Glue job points at: runs the job named by ``--job`` (Glue has one script per job)."""

from __future__ import annotations

import sys

from jobs.cli import COMMANDS
from runtime.entry import run_job


def main(argv: list[str]) -> int:
    if "--job" not in argv:
        print("usage: glue_entry.py --job <name> [job arguments]", file=sys.stderr)
        return 2
    position = argv.index("--job")
    job = argv[position + 1]
    if job not in COMMANDS:
        print(f"unknown job {job!r}; expected one of {sorted(COMMANDS)}", file=sys.stderr)
        return 2
    rest = argv[:position] + argv[position + 2 :]
    if "--positional" in rest:  # runtime.submit: `match train` arrives as --positional train
        at = rest.index("--positional")
        rest = rest[at + 1].split() + rest[:at] + rest[at + 2 :]
    return run_job(COMMANDS[job][0], rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
