"""``upt generate``: synthetic UPT business objects in the landing zone, plus their ground truth.

Writes ``<out>/<business_object>/<domain>/YYYY/MM/DD/part-NNNNN.jsonl`` for the seven business objects
and ``<out>/_truth/<domain>/truth.csv`` (source traveller id -> real person). The same arguments always
produce byte-identical files; files of the same name are overwritten, other files are left alone (use a
fresh ``--out`` when changing ``--days`` or ``--start-date``). Also runnable on its own:
``python -m jobs.generate --domain demo``.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date

from runtime.config import load_settings
from runtime.flags import command_parser


def _domain(value: str) -> str:
    if not value or "/" in value or value.strip() != value:
        raise argparse.ArgumentTypeError(f"invalid domain {value!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--domain", required=True, type=_domain, help="ACCP domain (folder under each object)")
    parser.add_argument("--travelers", "--travellers", dest="travelers", type=int, default=1000, help="true persons")
    parser.add_argument("--out", default=None, help="landing root, local folder or s3://bucket/prefix (default: conf)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--days", type=int, default=5, help="number of update dates the records spread over")
    parser.add_argument(
        "--start-date", type=date.fromisoformat, default=date(2024, 1, 1), help="first date, YYYY-MM-DD"
    )
    parser.add_argument("--truth", default=None, help="ground-truth CSV (default <out>/_truth/<domain>/truth.csv)")
    parser.add_argument("--lines-per-file", type=int, default=50_000, help="lines per part file before rolling over")
    parser.add_argument("--landing", default=None, help="landing root override (conf key 'landing')")


def run(args: argparse.Namespace) -> int:
    from datagen import Options, generate

    out = args.out or load_settings(args.env, {"landing": args.landing}).landing
    options = Options(
        out=out,
        domain=args.domain,
        travellers=args.travelers,
        seed=args.seed,
        days=args.days,
        start_date=args.start_date,
        truth=args.truth,
        lines_per_file=args.lines_per_file,
    )
    started = time.perf_counter()
    summary = generate(options)
    elapsed = time.perf_counter() - started
    rate = summary.travellers / elapsed if elapsed > 0 else 0.0
    print(
        f"generated {summary.travellers} travellers ({summary.households} households) in {elapsed:.1f}s ({rate:.0f}/s)"
    )
    for business_object, lines in summary.lines.items():
        print(f"  {business_object:30s} {lines:>10d} lines")
    print(f"  {len(summary.files)} files under {out}; truth: {options.truth_path} ({summary.truth_rows} rows)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = command_parser("upt generate", __doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
