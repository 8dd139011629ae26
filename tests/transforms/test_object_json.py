"""Ids generated from a whole object: the staged ``object_json`` column gives the same ids as the
inline ``to_json(data)``, and with it a table's query reads only the fields it uses."""

from __future__ import annotations

import json
import re

import pytest
from chispa import assert_df_equality
from pyspark.sql import functions as F

from tests.transforms.helpers import bo_frame
from transforms.records import OBJECT_JSON, object_json_where
from transforms.registry import transform_module

# Per module: one line whose id is generated from the whole object, one with an id.
LINES = {
    "air_booking": [
        {"passengerInfo": {"passengers": [{"emails": [{"address": "a@x.io"}]}, {"emails": [{"address": "b@x.io"}]}]}},
        {"id": "B1", "passengerInfo": {"passengers": [{"emails": [{"address": "c@x.io"}]}]}},
    ],
    "clickstream": [
        {"event_type": "search", "event_timestamp": "2024-01-01T00:00:00Z"},
        {"event_type": "search", "session": {"id": "S1"}},
    ],
    "customer_service_interaction": [{"duration": 5}, {"sessionId": "C1"}],
    "hotel_stay": [{"revenue": [{"type": "room"}]}, {"id": "H1", "revenue": [{"type": "room"}]}],
    "pax_profile": [{"gender": "f"}, {"id": "P1"}],
    "guest_profile": [{"gender": "m"}, {"firstName": "Dee"}],
}
# The record that carries the generated id of each module.
RECORD = {
    "air_booking": "email_history",
    "clickstream": "clickstream",
    "customer_service_interaction": "customer_service_interaction",
    "hotel_stay": "hotel_stay_revenue_items",
    "pax_profile": "pax_profile",
    "guest_profile": "guest_profile",
}


def staged(df, module):
    """What the ingest stages: the object's JSON only where an id is generated from it."""
    return df.select("*", object_json_where(module.object_json_needed(F.col("data"))))


def read_schema(df) -> str:
    """The nested columns the plan's file scans read."""
    plan = df.sparkSession._jvm.PythonSQLUtils.explainString(df._jdf.queryExecution(), "formatted")
    return " ".join(re.findall(r"ReadSchema: (.*)", plan))


@pytest.mark.parametrize("business_object", sorted(LINES))
def test_staged_object_json_gives_the_inline_ids(spark, business_object):
    module = transform_module(business_object)
    df = bo_frame(spark, business_object, [json.dumps(line) for line in LINES[business_object]])
    needed = [r[0] for r in df.select(module.object_json_needed(F.col("data"))).orderBy(F.col("line_number")).collect()]
    assert needed == [True, False]

    record = RECORD[business_object]
    inline = module.to_accp(df)[record].select("line_number", "traveller_id")
    from_staged = module.to_accp(staged(df, module))[record].select("line_number", "traveller_id")
    assert_df_equality(from_staged, inline, ignore_row_order=True)
    generated = [r.traveller_id for r in inline.where("line_number = 1").collect()]
    assert generated and all(t.startswith("gen-") for t in generated)


def test_a_table_query_reads_only_the_fields_it_uses(spark, tmp_path):
    """Spark prunes nested fields under field access, not under to_json: with the staged JSON, the
    email_history query of pax_profile no longer reads the profile's loyalty programmes."""
    module = transform_module("pax_profile")
    df = bo_frame(spark, "pax_profile", [json.dumps(line) for line in LINES["pax_profile"]])
    path = str(tmp_path / "staged")
    staged(df, module).write.parquet(path)
    staged_read = read_schema(module.to_accp(spark.read.parquet(path))["email_history"])
    assert "emails" in staged_read
    assert "loyaltyPrograms" not in staged_read
    inline = module.to_accp(spark.read.parquet(path).drop(OBJECT_JSON))["email_history"]
    assert "loyaltyPrograms" in read_schema(inline)
