"""`upt ingest` against a native parse-and-write baseline on a corpus of UPT-shaped records.

    make bench-ingest-upt [RECORDS=50000] [WORKDIR=DIR]

The corpus: every valid record of ``../shared/upt/samples/<object>/*.jsonl`` and
``../shared/upt/batch/*.jsonl`` (when that checkout is present; else generated records), taken in
turn and replicated with distinct ids until ``--records`` lines, laid out as
``<landing>/<object>/<domain>/2024/01/01/part-0.jsonl``.

Each side runs in its own fresh process on the same files, so both pay a cold JVM and JIT:

* ``upt ingest`` (``python -m jobs.cli ingest``): whole process, and the ingest phase (the job's own
  ``duration_s``);
* the baseline: ``spark.read.text`` + ``from_json`` with the project's explicit schemas, written
  as Parquet, one folder per business object (whole process and its own phase).

Printed as one JSON line: records/s and MB/s of each, and ``ingest_phase / baseline_phase``
(the issue's target is at most 2.5).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DOMAIN = "bench"
DAY = "2024/01/01"
# Upstream batch files by business object (their names say which object they hold).
BATCH_FILES = {
    "ancillary.jsonl": "air_booking",
    "clickstream_customer_1.jsonl": "clickstream",
    "csi.jsonl": "customer_service_interaction",
    "guest_profile_customer_1.jsonl": "guest_profile",
    "hotel_booking_customer_1.jsonl": "hotel_booking",
    "hotel_stay.jsonl": "hotel_stay",
    "pax_profile.jsonl": "pax_profile",
}
# Top-level keys made distinct in each replica (the record's own id and the ids its traveller
# id is derived from), so every replica is a new record rather than a MERGE of the same one.
ID_KEYS = ("id", "sessionId", "userId")


def sample_records(shared: Path) -> list[tuple[str, dict]]:
    """(business object, record) of every valid JSON object line of the upstream samples."""
    out: list[tuple[str, dict]] = []
    samples, batch = shared / "upt" / "samples", shared / "upt" / "batch"
    sources: list[tuple[str, Path]] = []
    if samples.is_dir():
        for folder in sorted(p for p in samples.iterdir() if p.is_dir()):
            sources += [(folder.name, f) for f in sorted(folder.glob("*.jsonl")) if f.name != "invalid.jsonl"]
    if batch.is_dir():
        sources += [(obj, batch / name) for name, obj in BATCH_FILES.items() if (batch / name).exists()]
    for business_object, path in sources:
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict):
                out.append((business_object, record))
    return out


def generated_records(workdir: Path) -> list[tuple[str, dict]]:
    """Without the upstream checkout: records of the project's generator (its larger objects)."""
    from datagen import Options, generate

    landing = workdir / "_generated"
    generate(Options(out=str(landing), domain="gen", travellers=200, seed=3))
    out = []
    for path in sorted(landing.glob("*/gen/**/*.jsonl")):
        business_object = path.relative_to(landing).parts[0]
        out += [(business_object, json.loads(line)) for line in path.read_text().splitlines() if line.strip()]
    shutil.rmtree(landing, ignore_errors=True)
    return out


def replica(record: dict, k: int) -> dict:
    if k == 0:
        return record
    copy = dict(record)
    for key in ID_KEYS:
        if isinstance(copy.get(key), str) and copy[key]:
            copy[key] = f"{copy[key]}-r{k}"
    session = copy.get("session")
    if isinstance(session, dict) and isinstance(session.get("id"), str):
        copy["session"] = {**session, "id": f"{session['id']}-r{k}"}
    return copy


def build_corpus(landing: Path, records: int, pool: list[tuple[str, dict]]) -> dict:
    """Write ``records`` lines cycling through ``pool``; returns lines and bytes per object."""
    if not pool:
        raise SystemExit("no sample records found")
    handles = {}
    stats: dict[str, list[int]] = {}
    try:
        for i in range(records):
            business_object, record = pool[i % len(pool)]
            if business_object not in handles:
                folder = landing / business_object / DOMAIN / DAY
                folder.mkdir(parents=True, exist_ok=True)
                handles[business_object] = (folder / "part-0.jsonl").open("w", encoding="utf-8")
                stats[business_object] = [0, 0]
            text = json.dumps(replica(record, i // len(pool)), separators=(",", ":"), ensure_ascii=False) + "\n"
            handles[business_object].write(text)
            stats[business_object][0] += 1
            stats[business_object][1] += len(text.encode("utf-8"))
    finally:
        for handle in handles.values():
            handle.close()
    return {name: {"lines": n, "bytes": b} for name, (n, b) in sorted(stats.items())}


def run_baseline(landing: Path, out: Path) -> float:
    """The native baseline in this process: read.text + from_json (explicit schemas) -> Parquet."""
    from pyspark.sql import functions as F

    from runtime.config import load_settings
    from runtime.spark import build_spark
    from transforms.schemas import SCHEMAS

    spark = build_spark(load_settings("local", {"warehouse": str(out)}), app_name="upt-bench-baseline")
    started = time.perf_counter()
    for business_object, schema in SCHEMAS.items():
        folder = landing / business_object / DOMAIN
        if not folder.exists():
            continue
        lines = spark.read.option("recursiveFileLookup", "true").text(str(folder))
        parsed = lines.select(F.from_json("value", schema).alias("data")).select("data.*")
        parsed.write.mode("overwrite").parquet(str(out / business_object))
    return time.perf_counter() - started


def timed(cmd: list[str], cwd: Path) -> tuple[float, str]:
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-5000:])
        raise SystemExit(f"{cmd[2:4]} failed with {proc.returncode}")
    return elapsed, proc.stdout


def last_json(stdout: str) -> dict:
    for line in reversed(stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise SystemExit("no JSON summary in the output")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=50_000, help="corpus size in input records")
    parser.add_argument("--shared", default=str(Path(__file__).resolve().parents[1] / ".." / "shared"))
    parser.add_argument("--workdir", help="keep the corpus here (default: a temporary folder, removed after)")
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--skip-ingest", action="store_true")
    parser.add_argument("--baseline-phase", help=argparse.SUPPRESS)  # internal: run the baseline here
    args = parser.parse_args()
    project = Path(__file__).resolve().parents[1]

    if args.baseline_phase:
        work = Path(args.baseline_phase)
        seconds = run_baseline(work / "landing", work / "baseline")
        print(json.dumps({"baseline_phase_s": seconds}))
        return

    work = Path(args.workdir or tempfile.mkdtemp(prefix="upt-bench-corpus-"))
    landing = work / "landing"
    meta_path = work / "corpus.json"
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else None
    if meta is None or meta.get("records") != args.records:
        shutil.rmtree(landing, ignore_errors=True)
        shared = Path(args.shared)
        pool = sample_records(shared) if (shared / "upt").is_dir() else []
        source = "upt samples" if pool else "generator"
        pool = pool or generated_records(work)
        meta = {"records": args.records, "source": source, "objects": build_corpus(landing, args.records, pool)}
        meta_path.write_text(json.dumps(meta))
    megabytes = sum(o["bytes"] for o in meta["objects"].values()) / 1e6
    records = args.records
    result: dict = {"records": records, "megabytes": round(megabytes, 1), "corpus": meta["source"]}

    def rates(prefix: str, seconds: float) -> None:
        result[f"{prefix}_s"] = round(seconds, 1)
        result[f"{prefix}_records_per_s"] = round(records / seconds, 1)
        result[f"{prefix}_mb_per_s"] = round(megabytes / seconds, 2)

    python = sys.executable
    if not args.skip_baseline:
        shutil.rmtree(work / "baseline", ignore_errors=True)
        whole, out = timed([python, "-m", "benchmarks.upt_corpus", "--baseline-phase", str(work)], project)
        rates("baseline_process", whole)
        rates("baseline_phase", last_json(out)["baseline_phase_s"])
        shutil.rmtree(work / "baseline", ignore_errors=True)
    if not args.skip_ingest:
        shutil.rmtree(work / "warehouse", ignore_errors=True)
        cmd = [python, "-m", "jobs.cli", "ingest", "--domain", DOMAIN]
        whole, out = timed([*cmd, "--landing", str(landing), "--warehouse", str(work / "warehouse")], project)
        row = last_json(out)
        assert row["lines_read"] == records, (row["lines_read"], records)
        rates("ingest_process", whole)
        rates("ingest_phase", row["duration_s"])
        result["lines_rejected"] = row["lines_rejected"]
        result["written"] = row["written"]
        shutil.rmtree(work / "warehouse", ignore_errors=True)
    if "ingest_phase_s" in result and "baseline_phase_s" in result:
        result["ingest_over_baseline_phase"] = round(result["ingest_phase_s"] / result["baseline_phase_s"], 2)
        result["ingest_over_baseline_process"] = round(result["ingest_process_s"] / result["baseline_process_s"], 2)
    print(json.dumps(result))
    if not args.workdir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
