"""Rule-step quality on generated data: pairwise precision/recall of `upt resolve` vs the truth file.

    python benchmarks/eval_rules.py --travellers 10000 --work /tmp/eval-rules [--skip-ingest]

Generates N travellers, runs `upt ingest` and `upt resolve` through the CLI, then scores
identity/traveller_profiles against <landing>/_truth/<domain>/truth.csv.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

UPT = [sys.executable, "-m", "jobs.cli"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--travellers", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--domain", default="eval")
    parser.add_argument("--work", default="/tmp/upt-eval-rules")
    parser.add_argument("--skip-ingest", action="store_true", help="reuse the warehouse of an earlier run")
    args = parser.parse_args()
    work = Path(args.work)
    landing, warehouse = work / "landing", work / "warehouse"
    timings = {}
    if not args.skip_ingest:
        for step, cmd in (
            (
                "generate",
                [
                    "generate",
                    "--domain",
                    args.domain,
                    "--travelers",
                    str(args.travellers),
                    "--seed",
                    str(args.seed),
                    "--out",
                    str(landing),
                ],
            ),
            ("ingest", ["ingest", "--domain", args.domain, "--landing", str(landing), "--warehouse", str(warehouse)]),
        ):
            clock = time.monotonic()
            subprocess.run([*UPT, *cmd], check=True, stdout=subprocess.DEVNULL)
            timings[step] = round(time.monotonic() - clock, 1)
    clock = time.monotonic()
    out = subprocess.run(
        [*UPT, "resolve", "--domain", args.domain, "--warehouse", str(warehouse)],
        check=True,
        capture_output=True,
        text=True,
    )
    timings["resolve"] = round(time.monotonic() - clock, 1)
    summary = json.loads(out.stdout.strip().splitlines()[-1])

    from matching.evaluation import pairwise_scores
    from runtime.config import load_settings
    from runtime.spark import build_spark

    settings = load_settings("local", {"warehouse": str(warehouse)})
    spark = build_spark(settings, app_name="upt-eval-rules")
    mapping = (
        spark.read.format("delta").load(f"{warehouse}/identity/traveller_profiles").where(f"domain = '{args.domain}'")
    )
    truth = spark.read.csv(str(landing / "_truth" / args.domain / "truth.csv"), header=True).selectExpr(
        "source_traveller_id AS traveller_id", "person_id"
    )
    scores = pairwise_scores(mapping, truth)
    report = {
        "travellers_generated": args.travellers,
        "all_travellers": summary["written"].get("travellers"),
        "all_profiles": summary["written"].get("profile_count"),
        **scores,
        "written": summary["written"],
        "junk_values": summary.get("junk_values"),
        "seconds": timings,
    }
    print(json.dumps(report, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
