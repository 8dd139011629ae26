"""The per-batch staging folder: two runs of one batch (concurrent ingests) never share it."""

from __future__ import annotations

from chispa import assert_df_equality

from ingestion.staging import BatchStaging
from runtime.config import load_settings


def test_two_runs_of_one_batch_stage_apart_and_clean_up_only_their_own(spark, tmp_path):
    settings = load_settings("local", {"warehouse": str(tmp_path / "wh")})
    winner = BatchStaging(spark, settings, "d", "all", 0, "ingest-a")
    loser = BatchStaging(spark, settings, "d", "all", 0, "ingest-b")
    rows = spark.createDataFrame([("P1",), ("P2",), ("P3",)], "id string")
    staged = winner.write(rows, "pax_profile")
    # The loser of the race stages a different slice of the same batch, then gives up and cleans up.
    loser.write(rows.limit(1), "pax_profile")
    loser.remove()
    assert_df_equality(staged, rows, ignore_row_order=True)
    winner.remove()
    assert not (tmp_path / "wh" / "_staging" / "ingest" / "d" / "all" / "batch=0" / "ingest-a").exists()
