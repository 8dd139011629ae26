"""Wall time of `upt match` (Splink on Spark) vs the same model on Splink's DuckDB backend.

    python -m benchmarks.match --profiles 100000 --work /tmp/upt-bench-match [--skip-setup]

Generates travellers (about half as many as the wanted profiles: the rules leave roughly two profiles
per person), ingests and resolves them through the CLI, then times `upt match --full` in its own
process (session start, features, prediction, writes) and, on the profile features that run
stored, the same model's prediction with DuckDB. Prints both wall times and the compared pairs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

UPT = [sys.executable, "-m", "jobs.cli"]


def _run(*args: str) -> str:
    return subprocess.run([*UPT, *args], check=True, capture_output=True, text=True).stdout


def model_for_duckdb(model: dict, settings) -> dict:
    """The trained Spark model re-expressed in DuckDB SQL: same levels, same m/u and prior.

    Saved models carry Spark-quoted SQL, so the conf's comparisons are rebuilt for DuckDB and the
    trained parameters copied over level by level.
    """
    from jobs.match import matching_conf

    duck = matching_conf(settings).settings_creator().get_settings("duckdb").as_dict()
    duck["probability_two_random_records_match"] = model["probability_two_random_records_match"]
    for target, source in zip(duck["comparisons"], model["comparisons"], strict=True):
        for level, trained in zip(target["comparison_levels"], source["comparison_levels"], strict=True):
            for key in ("m_probability", "u_probability", "tf_adjustment_weight"):
                if key in trained:
                    level[key] = trained[key]
    return duck


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profiles", type=int, default=100000)
    parser.add_argument("--travellers", type=int, help="default: profiles / 2")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--domain", default="bench")
    parser.add_argument("--work", default="/tmp/upt-bench-match")
    parser.add_argument("--skip-setup", action="store_true", help="reuse the warehouse of an earlier run")
    args = parser.parse_args()
    work = Path(args.work)
    landing, warehouse = work / "landing", work / "warehouse"
    timings: dict[str, float] = {}
    if not args.skip_setup:
        travellers = args.travellers or max(args.profiles // 2, 10)
        for step, cmd in (
            (
                "generate",
                [
                    "generate",
                    "--domain",
                    args.domain,
                    "--travelers",
                    str(travellers),
                    "--seed",
                    str(args.seed),
                    "--out",
                    str(landing),
                ],
            ),
            ("ingest", ["ingest", "--domain", args.domain, "--landing", str(landing), "--warehouse", str(warehouse)]),
            ("resolve", ["resolve", "--domain", args.domain, "--warehouse", str(warehouse)]),
        ):
            clock = time.monotonic()
            _run(*cmd)
            timings[step] = round(time.monotonic() - clock, 1)
    clock = time.monotonic()
    # A model trained beforehand, so both backends time prediction with the same parameters.
    _run("match", "train", "--domain", args.domain, "--warehouse", str(warehouse))
    timings["train_spark"] = round(time.monotonic() - clock, 1)
    clock = time.monotonic()
    spark_run = json.loads(
        _run("match", "--full", "--domain", args.domain, "--warehouse", str(warehouse)).splitlines()[-1]
    )
    timings["match_spark"] = round(time.monotonic() - clock, 1)

    import duckdb  # noqa: F401  (Splink's DuckDB backend)
    from deltalake import DeltaTable
    from splink import DuckDBAPI, Linker

    from jobs.config import load_settings
    from jobs.match import ModelStore

    settings = load_settings("local", {"warehouse": str(warehouse)})
    version, model = ModelStore(settings, args.domain).latest()
    features = DeltaTable(str(warehouse / "matching" / "profile_features")).to_pandas(
        filters=[("domain", "=", args.domain)]
    )
    clock = time.monotonic()
    duck_model = model_for_duckdb(model, settings)
    linker = Linker(DuckDBAPI().register(features.drop(columns=["model_version"])), duck_model, log_level=None)
    predictions = linker.inference.predict(warning_mode="never")
    duck_pairs = len(predictions.as_pandas_dataframe())
    timings["match_duckdb"] = round(time.monotonic() - clock, 1)
    report = {
        "profiles": len(features),
        "model_version": version,
        "spark_pairs_compared": spark_run["written"].get("pairs_compared"),
        "duckdb_pairs_compared": duck_pairs,
        "seconds": timings,
        "spark_written": spark_run["written"],
    }
    print(json.dumps(report, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
