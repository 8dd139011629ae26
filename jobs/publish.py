"""Publish the Delta tables to the Glue Data Catalog (Athena) or Trino (publishing.catalog).

upt publish --domain demo [--catalog glue|trino|none] [--database NAME]
"""

from __future__ import annotations

import argparse
import json
import sys

from publishing.catalog import PublishError, publish
from runtime.config import Settings, load_settings


def load_roles(settings: Settings, args: argparse.Namespace) -> dict | None:
    """Roles from --roles-file (YAML ``roles:`` or a bare mapping) or conf ``roles``, when --roles is given."""
    if not (args.roles or args.roles_file):
        return None
    if args.roles_file:
        import yaml

        with open(args.roles_file) as handle:
            document = yaml.safe_load(handle) or {}
        return document.get("roles", document) if isinstance(document, dict) else document
    return settings.get("roles") or {}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--domain", required=True)
    parser.add_argument(
        "--catalog",
        default="glue",
        choices=("glue", "trino", "none"),
        help="glue: Glue Data Catalog; trino: register_table on the Trino server; none: only print the DDL",
    )
    parser.add_argument("--database", help="Glue database / Trino schema (default: conf catalog.database)")
    parser.add_argument(
        "--trino-url", help="Trino server, e.g. http://127.0.0.1:8080 (default: conf catalog.trino.url)"
    )
    parser.add_argument("--roles", action="store_true", help="create one view per role (conf roles) and table")
    parser.add_argument("--roles-file", help="YAML file with the roles (implies --roles)")


def run(args: argparse.Namespace) -> int:
    overrides = {"warehouse": args.warehouse}
    if args.trino_url:
        overrides["catalog.trino.url"] = args.trino_url
    settings = load_settings(args.env, overrides)
    try:
        summary = publish(settings, args.domain, args.catalog, args.database, roles=load_roles(settings, args))
    except (PublishError, ValueError, RuntimeError, OSError) as exc:
        print(f"publish failed: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    from runtime.entry import run_job

    sys.exit(run_job("jobs.publish"))
