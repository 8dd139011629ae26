#!/usr/bin/env bash
# Run a job from jobs/ with spark-submit.
#
#   ./spark-submit.sh <job> [job args]                      local spark-submit with cached jars
#   ./spark-submit.sh --target emr  [--dry-run] <job> [...]  add an EMR step (or print the request)
#   ./spark-submit.sh --target glue [--dry-run] <job> [...]  start a Glue job run (or print it)
#
# The code ships as dist/upt_lakehouse.zip (jobs and the packages they call, conf) through --py-files;
# upload it and jobs/ to the code_uri of conf/emr.yaml or conf/glue.yaml before using a target.
set -euo pipefail
cd "$(dirname "$0")"
VENV=${VENV:-.venv}
PY="$VENV/bin/python"
[ -x "$PY" ] || make setup >&2

if [ "${1:-}" = "--target" ]; then
  exec "$PY" -m runtime.submit "$@"
fi

job=${1:?usage: ./spark-submit.sh <job> [args]}; shift
[ -f "jobs/$job.py" ] || { echo "no such job: jobs/$job.py" >&2; exit 2; }

mkdir -p dist
rm -f dist/upt_lakehouse.zip
"$PY" -m zipfile -c dist/upt_lakehouse.zip jobs runtime ingestion storage transforms matching resolution publishing lifecycle quality catalog conf datagen

jars=$("$PY" -m runtime.jars | paste -sd, -)
SPARK_HOME=$("$PY" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')
export SPARK_HOME PYSPARK_PYTHON="$PY" PYSPARK_DRIVER_PYTHON="$PY"
exec "$VENV/bin/spark-submit" \
  --master "local[2]" \
  --jars "$jars" \
  --conf spark.ui.enabled=false \
  --py-files dist/upt_lakehouse.zip \
  "jobs/$job.py" "$@"
