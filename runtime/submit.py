"""Build (and optionally send) the platform request that runs a job: an EMR step or a Glue job run.

Used by ``spark-submit.sh --target emr|glue``; ``--dry-run`` prints the exact request instead of
calling AWS, which is also how the requests are tested.
"""

from __future__ import annotations

import argparse
import json
import sys

from runtime.config import Settings, load_settings

CODE_ZIP = "upt_lakehouse.zip"
DELTA_CONF = {
    "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
    "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
}
PLATFORM_PYTHON_MODULES = "splink==5.0.0,great-expectations==1.24.1,pyyaml>=6"


def emr_step_request(settings: Settings, job: str, job_args: list[str]) -> dict:
    """``EMR.AddJobFlowSteps`` request running ``jobs/<job>.py`` with spark-submit on the cluster."""
    code = settings.get("emr.code_uri").rstrip("/")
    conf_args = [arg for key, value in DELTA_CONF.items() for arg in ("--conf", f"{key}={value}")]
    args = [
        "spark-submit",
        "--deploy-mode",
        "cluster",
        *conf_args,
        "--py-files",
        f"{code}/{CODE_ZIP}",
        f"{code}/jobs/{job}.py",
        *job_args,
        "--env",
        "emr",
    ]
    return {
        "JobFlowId": settings.get("emr.cluster_id"),
        "Steps": [
            {
                "Name": f"upt-{job}",
                "ActionOnFailure": "CONTINUE",
                "HadoopJarStep": {"Jar": "command-runner.jar", "Args": args},
            }
        ],
    }


def glue_job_run_request(settings: Settings, job: str, job_args: list[str]) -> dict:
    """``Glue.StartJobRun`` request; job arguments become Glue ``--key value`` arguments.

    Leading positional arguments (``match train``) travel as ``--positional`` and glue_entry puts
    them back in front.
    """
    code = settings.get("glue.code_uri").rstrip("/")
    arguments = {
        "--job": job,
        "--extra-py-files": f"{code}/{CODE_ZIP}",
        "--datalake-formats": "delta",
        "--additional-python-modules": PLATFORM_PYTHON_MODULES,
        "--conf": " --conf ".join(f"{key}={value}" for key, value in DELTA_CONF.items()),
        "--env": "glue",
    }
    pending = list(job_args)
    positional = []
    while pending and not pending[0].startswith("--"):  # `match train`: Glue only passes --key value
        positional.append(pending.pop(0))
    if positional:
        arguments["--positional"] = " ".join(positional)
    while pending:
        key = pending.pop(0)
        if not key.startswith("--"):
            raise ValueError(f"Glue arguments must be --key value pairs, got {key!r}")
        value = pending.pop(0) if pending and not pending[0].startswith("--") else "true"
        arguments[key] = value
    return {
        "JobName": settings.get("glue.job_name"),
        "Arguments": arguments,
        "WorkerType": settings.get("glue.worker_type", "G.1X"),
        "NumberOfWorkers": int(settings.get("glue.number_of_workers", 2)),
    }


def send(target: str, request: dict, settings: Settings) -> dict:
    import boto3

    region = settings.get(f"{target}.region")
    if target == "emr":
        return boto3.client("emr", region_name=region).add_job_flow_steps(**request)
    return boto3.client("glue", region_name=region).start_job_run(**request)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="spark-submit.sh --target", description=__doc__)
    parser.add_argument("--target", required=True, choices=("emr", "glue"))
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("job")
    args, job_args = parser.parse_known_args(argv)
    settings = load_settings(args.target)
    build = emr_step_request if args.target == "emr" else glue_job_run_request
    request = build(settings, args.job, job_args)
    if args.dry_run:
        print(json.dumps(request, indent=2))
        return 0
    response = send(args.target, request, settings)
    print(json.dumps(response, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
