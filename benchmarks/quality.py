"""Pairwise quality of `upt resolve` + `upt match` on public sets and on the generator's worlds.

    python -m benchmarks.quality [--sets febrl1,febrl2,febrl3,gen11,gen23] [--work DIR] [--skip-setup]

Each set is put in a landing zone (FEBRL via benchmarks.public_sets, the generator's worlds via
`upt generate`: seed 11 at 10,000 travellers and seed 23 at 5,000), ingested and resolved once
(``--skip-setup`` reuses that warehouse), then matched with the default conf (`upt match --full`
after a fresh `upt match train`) and scored with `upt evaluate` in the identified scope. Prints one
table: precision / recall / F1 at 0.5, 0.9 and 0.99 and the blocking recall per set. One conf
serves every set: there is no per-set setting here.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

UPT = [sys.executable, "-m", "jobs.cli"]
THRESHOLDS = (0.5, 0.9, 0.99)
# name -> (kind, argument): a FEBRL set name, or (seed, travellers) of the generator.
SETS = {
    "febrl1": ("febrl", "febrl1"),
    "febrl2": ("febrl", "febrl2"),
    "febrl3": ("febrl", "febrl3"),
    "gen11": ("generator", (11, 10_000)),
    "gen23": ("generator", (23, 5_000)),
}


def _run(*args: str) -> str:
    return subprocess.run([*UPT, *args], check=True, capture_output=True, text=True).stdout


def setup(name: str, work: Path) -> dict:
    """Landing zone, ingest and resolve for one set; returns the seconds per step."""
    from benchmarks import public_sets

    kind, arg = SETS[name]
    landing, warehouse = work / name / "landing", work / name / "warehouse"
    shutil.rmtree(work / name, ignore_errors=True)
    clock, seconds = time.monotonic(), {}
    if kind == "febrl":
        public_sets.write_set(public_sets.load(arg), landing, name, public_sets.SETS[arg])
    else:
        seed, travellers = arg
        _run("generate", "--domain", name, "--travelers", str(travellers), "--seed", str(seed), "--out", str(landing))
    seconds["landing"] = round(time.monotonic() - clock, 1)
    for step in ("ingest", "resolve"):
        clock = time.monotonic()
        extra = ["--landing", str(landing)] if step == "ingest" else []
        _run(step, "--domain", name, *extra, "--warehouse", str(warehouse))
        seconds[step] = round(time.monotonic() - clock, 1)
    return seconds


def match_and_score(name: str, work: Path) -> dict:
    """Train, match in full and evaluate one set; returns its table row."""
    landing, warehouse = work / name / "landing", work / name / "warehouse"
    shutil.rmtree(warehouse / "matching" / "models" / name, ignore_errors=True)
    clock = time.monotonic()
    _run("match", "train", "--domain", name, "--warehouse", str(warehouse))
    run = json.loads(_run("match", "--full", "--domain", name, "--warehouse", str(warehouse)).splitlines()[-1])
    seconds = round(time.monotonic() - clock, 1)
    truth = landing / "_truth" / name / "truth.csv"
    out = _run(
        "evaluate",
        "--domain",
        name,
        "--warehouse",
        str(warehouse),
        "--truth",
        str(truth),
        "--scope",
        "identified",
        "--thresholds",
        ",".join(map(str, THRESHOLDS)),
        "--blocking-recall",
    )
    rows = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    row = {"set": name, "match_seconds": seconds, "pairs_compared": run["written"].get("pairs_compared")}
    for r in rows:
        if r.get("method") == "rules":
            row["rules"] = (r["precision"], r["recall"], r["f1"])
            row["profiles"] = r["profiles"]
        elif r.get("method") == "blocking":
            row["blocking_recall"] = r["recall"]
        else:
            row[r["threshold"]] = (r["precision"], r["recall"], r["f1"])
    return row


def table(rows: list[dict]) -> str:
    """A fixed-width table: P / R / F1 per threshold, blocking recall, compared pairs per profile."""
    head = f"{'set':8s} {'profiles':>8s} " + " ".join(f"{'P/R/F1 @' + str(t):>22s}" for t in THRESHOLDS)
    head += f" {'block R':>8s} {'pairs/prof':>10s}"
    lines = [head]
    for row in rows:
        cells = []
        for t in THRESHOLDS:
            p, r, f = row.get(t, (float("nan"),) * 3)
            cells.append(f"{p:6.3f} {r:6.3f} {f:6.3f}".rjust(22))
        per = (row.get("pairs_compared") or 0) / max(row.get("profiles") or 1, 1)
        lines.append(
            f"{row['set']:8s} {row.get('profiles', 0):8d} "
            + " ".join(cells)
            + f" {row.get('blocking_recall', float('nan')):8.4f} {per:10.2f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--work", default="/tmp/upt-bench-quality")
    parser.add_argument("--skip-setup", action="store_true", help="reuse the ingested and resolved warehouses")
    parser.add_argument("--setup-only", action="store_true")
    args = parser.parse_args(argv)
    work = Path(args.work)
    rows = []
    for name in args.sets.split(","):
        if name not in SETS:
            parser.error(f"unknown set {name!r}")
        if not args.skip_setup:
            print(json.dumps({"set": name, "setup_seconds": setup(name, work)}), flush=True)
        if not args.setup_only:
            rows.append(match_and_score(name, work))
            print(json.dumps({str(k): v for k, v in rows[-1].items()}), flush=True)
    if rows:
        print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
