"""Pure DataFrame-to-DataFrame transforms from business objects to ACCP records.

Contract shared by every business-object module ``transforms/<business_object>.py``:

* Input: a DataFrame with one row per accepted input line and the columns
  ``data`` (struct, the object's schema from ``transforms.schemas``), the lineage columns of
  ``transforms.records.LINEAGE_COLUMNS`` and ``fallback_ts`` (string).
* ``reject_reasons(df, max_extended_data) -> Column``: array<struct<code, message>> of reasons to reject the whole
  line (mapping spec 2.4, 2.5 and the object's section); empty array = accept.
* ``object_json_needed(data) -> Column`` (modules that generate ids from a whole object): where
  they do. The ingest then stages ``to_json(data)`` there as ``transforms.records.OBJECT_JSON``,
  an optional input column of ``to_accp`` (without it the transform computes the JSON itself).
* ``to_accp(df) -> dict[str, DataFrame]``: one DataFrame per ACCP object type, each ending with
  ``transforms.records.select_record`` so tables have a fixed column order.

No reads, writes, sessions or configuration here: the ingest job does those.
"""
