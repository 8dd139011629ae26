"""The flags every ``upt`` command takes, defined once as an argparse parent."""

from __future__ import annotations

import argparse

from runtime.config import ENVIRONMENTS


def global_flags() -> argparse.ArgumentParser:
    """``--env`` and ``--warehouse``: which conf to load and where its tables live."""
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--env", default="local", choices=ENVIRONMENTS, help="conf to load (conf/<env>.yaml)")
    parent.add_argument("--warehouse", help="warehouse root (local path or s3://); overrides conf")
    return parent


def command_parser(prog: str, description: str | None = None) -> argparse.ArgumentParser:
    """A command's parser with the global flags; a job that still declares one itself replaces it."""
    return argparse.ArgumentParser(
        prog=prog, description=description, parents=[global_flags()], conflict_handler="resolve"
    )
