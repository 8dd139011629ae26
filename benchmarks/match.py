"""Wall time of `upt match` (Splink on Spark) vs the same model on Splink's DuckDB backend.

    python -m benchmarks.match --profiles 100000 --work /tmp/upt-bench-match [--skip-setup] [--reuse-model]

Generates travellers (about half as many as the wanted profiles: the rules leave roughly two profiles
per person), ingests and resolves them through the CLI, trains one model, then times `upt match
--full` in its own process twice, `--backend spark` and `--backend duckdb` (session start, features,
prediction, writes, clusters), with the peak resident memory of each process tree, and checks that
both stored the same matches. Last, the DuckDB prediction alone on the stored features. Prints the
wall times, compared pairs and pairs per profile.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

UPT = [sys.executable, "-m", "jobs.cli"]


def _run(*args: str) -> str:
    return subprocess.run([*UPT, *args], check=True, capture_output=True, text=True).stdout


def _timed(*args: str) -> tuple[str, float, int]:
    """Run one `upt` command; returns its stdout, wall seconds and the peak RSS in bytes of its
    process tree (the Python driver plus Spark's JVM), sampled every 0.2 s."""
    import psutil

    clock = time.monotonic()
    # Output to files, not pipes: nothing reads a pipe while the loop below samples memory, and a
    # child that fills one (Spark's and Splink's log lines) blocks forever (a 100k train did).
    with tempfile.TemporaryFile("w+") as out_file, tempfile.TemporaryFile("w+") as err_file:
        proc = subprocess.Popen([*UPT, *args], stdout=out_file, stderr=err_file, text=True)
        peak, root = 0, psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                tree = [root, *root.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.2)
        out_file.seek(0)
        err_file.seek(0)
        out, err = out_file.read(), err_file.read()
    if proc.returncode:
        raise subprocess.CalledProcessError(proc.returncode, args, out, err)
    return out, round(time.monotonic() - clock, 1), peak


def _matches(warehouse: Path, domain: str) -> dict:
    """(source, target) -> probability of the stored matches (read with deltalake, no Spark)."""
    from deltalake import DeltaTable

    frame = DeltaTable(str(warehouse / "matching" / "profile_matches")).to_pandas(
        columns=["source_profile_id", "target_profile_id", "match_probability"], filters=[("domain", "=", domain)]
    )
    return dict(
        zip(zip(frame.source_profile_id, frame.target_profile_id, strict=True), frame.match_probability, strict=True)
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profiles", type=int, default=100000)
    parser.add_argument("--travellers", type=int, help="default: profiles / 2")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--domain", default="bench")
    parser.add_argument("--work", default="/tmp/upt-bench-match")
    parser.add_argument("--skip-setup", action="store_true", help="reuse the warehouse of an earlier run")
    parser.add_argument("--reuse-model", action="store_true", help="score with the newest stored model (no training)")
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
    # A model trained beforehand, so both backends score with the same parameters.
    if not args.reuse_model:
        _, timings["train_spark"], _ = _timed("match", "train", "--domain", args.domain, "--warehouse", str(warehouse))
    runs, stored, peaks = {}, {}, {}
    for backend in ("spark", "duckdb"):
        out, timings[f"match_{backend}"], peaks[backend] = _timed(
            "match", "--full", "--backend", backend, "--domain", args.domain, "--warehouse", str(warehouse)
        )
        runs[backend] = json.loads(out.splitlines()[-1])
        stored[backend] = _matches(warehouse, args.domain)

    from pyspark.sql import functions as F
    from splink import DuckDBAPI, Linker

    from matching.blocking import scoring_input
    from matching.model.conf import matching_conf
    from matching.model.prediction import arrow_table, model_for_duckdb
    from matching.model.store import ModelStore
    from runtime.config import load_settings
    from runtime.spark import build_spark

    # The DuckDB prediction alone, in this process, on the features the last run stored (with their
    # blocking keys, which need the whole domain's key sizes: built on Spark, then handed over).
    settings = load_settings("local", {"warehouse": str(warehouse)})
    conf = matching_conf(settings)
    version, model = ModelStore(settings, args.domain).latest()
    spark = build_spark(settings, "bench-match-duckdb-only")
    feature_table = spark.read.format("delta").load(str(warehouse / "matching" / "profile_features"))
    features = arrow_table(scoring_input(feature_table.where(F.col("domain") == args.domain), conf))
    spark.stop()
    clock = time.monotonic()
    linker = Linker(DuckDBAPI().register(features), model_for_duckdb(model, conf), log_level=None)
    duck_pairs = linker.inference.predict(warning_mode="never").as_pyarrow_table().num_rows
    timings["duckdb_predict_only"] = round(time.monotonic() - clock, 1)
    spark_m, duck_m = stored["spark"], stored["duckdb"]
    report = {
        "profiles": features.num_rows,
        "model_version": version,
        "pairs_compared": {b: runs[b]["written"].get("pairs_compared") for b in runs},
        "pairs_compared_duckdb_predict_only": duck_pairs,
        "pairs_per_profile": round(
            (runs["spark"]["written"].get("pairs_compared") or 0) / max(features.num_rows, 1), 3
        ),
        "stored_matches": {"spark": len(spark_m), "duckdb": len(duck_m), "same_pairs": spark_m.keys() == duck_m.keys()},
        "max_probability_difference": max(
            (abs(spark_m[k] - duck_m[k]) for k in spark_m.keys() & duck_m.keys()), default=0.0
        ),
        "peak_rss_mb": {b: round(v / 2**20) for b, v in peaks.items()},
        "seconds": timings,
    }
    print(json.dumps(report, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
