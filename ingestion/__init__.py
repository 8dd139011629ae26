"""The incremental ingest: landing JSONL -> ACCP Delta tables, its per-batch staging and error replays."""
