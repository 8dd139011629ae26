"""What every business-object module (``transforms/<business_object>.py``) provides to the ingest.

The ingest (``ingestion.batch.BatchProcessor``) knows a module only through these names, so a
module that lacks one fails when the registry loads it, not in the middle of a batch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from pyspark.sql import Column, DataFrame
from pyspark.sql.types import StructType


@runtime_checkable
class BusinessObjectTransform(Protocol):
    """A business object's schema, its checks and the ACCP tables it feeds.

    * ``BUSINESS_OBJECT``: its name (the landing folder and envelope ``objectType``).
    * ``SCHEMA``: the explicit read schema of ``data`` (``transforms.schemas.SCHEMAS``).
    * ``ACCP_TABLES``: the ACCP object types ``to_accp`` returns, one DataFrame each.
    * ``object_json_needed``: where an id is generated from the whole object, so the ingest stages
      ``to_json(data)`` there as ``transforms.records.OBJECT_JSON``; None when no id is.
    * ``reject_reasons(df, max_extended_data)``: ``array<struct<code, message>>`` of reasons to
      reject the whole line (``transforms.reasons``); empty = accept. The code decides the stored
      error type; the messages, joined with "; ", are the stored text.
    * ``to_accp(df)``: ACCP object type -> records, each ending with ``records.select_record``.
    """

    BUSINESS_OBJECT: str
    SCHEMA: StructType
    ACCP_TABLES: tuple[str, ...]
    object_json_needed: Callable[[Column], Column] | None

    def reject_reasons(self, df: DataFrame, max_extended_data: int) -> Column: ...

    def to_accp(self, df: DataFrame) -> dict[str, DataFrame]: ...
