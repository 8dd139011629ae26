"""The generator's output parses with the project's own input schemas without losing a field."""

from __future__ import annotations

import json

from pyspark.sql import functions as F

from datagen import Options, generate
from transforms.schemas import SCHEMAS


def key_paths(value, prefix: str = "") -> set[str]:
    """Every key path of a JSON value (array positions collapsed to [])."""
    if isinstance(value, dict):
        paths = set()
        for key, sub in value.items():
            if sub is None:
                continue
            paths.add(prefix + key)
            paths |= key_paths(sub, prefix + key + ".")
        return paths
    if isinstance(value, list):
        return set().union(*[key_paths(item, prefix.rstrip(".") + "[].") for item in value]) if value else set()
    return set()


def test_every_generated_field_survives_the_input_schema(spark, tmp_path):
    generate(Options(out=str(tmp_path), domain="schemas", travellers=25, seed=3, days=2))
    for business_object, schema in SCHEMAS.items():
        files = sorted(str(p) for p in tmp_path.glob(f"{business_object}/schemas/**/*.jsonl"))
        assert files, f"no {business_object} output"
        lines = spark.read.text(files)
        parsed = lines.select("value", F.to_json(F.from_json("value", schema)).alias("round_trip")).collect()
        assert parsed
        for row in parsed:
            original = key_paths(json.loads(row.value))
            kept = key_paths(json.loads(row.round_trip))
            assert original - kept == set(), f"{business_object} loses {sorted(original - kept)}"
