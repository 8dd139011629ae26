"""hotel_stay -> ``hotel_stay_revenue_items`` as an Arrow-batched builder (twin of transforms.hotel_stay)."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.types import DoubleType, StringType, StructField, StructType, TimestampType

from transforms.arrow.values import extended_data, generated_id, nz, record_meta, to_number
from transforms.hotel_stay import BUSINESS_OBJECT, REVENUE_FIELDS, REVENUE_OBJECT_TYPE, object_json_needed
from transforms.records import FALLBACK_TS, LINEAGE_COLUMNS, OBJECT_JSON, RECORD_META_COLUMNS

# Stay fields the records read, as top-level input columns (only these cross into Python).
_STAY_FIELDS = (
    "id",
    "guestId",
    "bookingId",
    "lastUpdatedBy",
    "lastUpdatedOn",
    "modelVersion",
    "firstName",
    "lastName",
    "email",
    "phone",
    "startDate",
    "hotelCode",
    "createdOn",
    "createdBy",
)
_OWN = [f for f in REVENUE_FIELDS if f not in RECORD_META_COLUMNS and f not in LINEAGE_COLUMNS]
_META_TYPES = {"last_updated_ts": TimestampType()}
_OWN_TYPES = {"amount": DoubleType()}
# Columns the native projection can leave null (every other one is ``nz``-ed or a literal).
_NULLABLE = {"last_updated", "last_updated_ts", "last_updated_partition", "traveller_id", "extended_data"}


def output_schema(lineage: StructType) -> StructType:
    """Lineage (as the input has it), record meta, then the revenue fields: ``select_record``'s order."""
    return StructType(
        [lineage[name] for name in LINEAGE_COLUMNS]
        + [StructField(n, _META_TYPES.get(n, StringType()), n in _NULLABLE) for n in RECORD_META_COLUMNS]
        + [StructField(n, _OWN_TYPES.get(n, StringType()), n in _NULLABLE) for n in _OWN]
    )


def _records(rows: list[dict]) -> list[tuple]:
    out = []
    for row in rows:
        stay = row
        guest = nz(stay["guestId"])
        if guest != "":
            traveller_id = stay["guestId"]
        elif nz(stay["id"]) != "":
            traveller_id = generated_id(BUSINESS_OBJECT, stay["id"])
        else:
            traveller_id = generated_id(BUSINESS_OBJECT, row[OBJECT_JSON], "guest")
        meta = record_meta(
            REVENUE_OBJECT_TYPE, stay["modelVersion"], stay["lastUpdatedOn"], row[FALLBACK_TS], row["run_id"]
        )
        lineage = tuple(row[name] for name in LINEAGE_COLUMNS)
        stay_values = (
            nz(stay["lastUpdatedBy"]),
            nz(stay["id"]),
            nz(stay["bookingId"]),
            nz(row["currency_code"]),
            nz(row["currency_name"]),
            nz(row["currency_symbol"]),
            nz(stay["firstName"]),
            nz(stay["lastName"]),
            nz(stay["email"]),
            nz(stay["phone"]),
            nz(stay["startDate"]),
            nz(stay["hotelCode"]),
            nz(stay["createdOn"]),
            nz(stay["createdBy"]),
        )
        for item in row["revenue"] or ():
            item = item or {}
            kind, date = nz(item.get("type")), nz(item.get("date"))
            out.append(
                (
                    *lineage,
                    *meta,
                    traveller_id,
                    f"{nz(stay['id'])}|{kind}|{date}",
                    *stay_values,
                    kind,
                    nz(item.get("description")),
                    to_number(item.get("amount")),
                    date,
                    extended_data(item.get("extendedData")),
                )
            )
    return out


def revenue_items(df: DataFrame) -> DataFrame:
    """Same rows as ``transforms.hotel_stay.to_accp(df)["hotel_stay_revenue_items"]``."""
    data = F.col("data")
    object_json = F.col(OBJECT_JSON) if OBJECT_JSON in df.columns else F.to_json(data)
    lineage = StructType([df.schema[name] for name in LINEAGE_COLUMNS])
    narrow = df.select(
        *LINEAGE_COLUMNS,
        FALLBACK_TS,
        *[data[name].alias(name) for name in _STAY_FIELDS],
        data["currency"]["code"].alias("currency_code"),
        data["currency"]["name"].alias("currency_name"),
        data["currency"]["symbol"].alias("currency_symbol"),
        data["revenue"].alias("revenue"),
        F.when(object_json_needed(data), object_json).alias(OBJECT_JSON),
    )
    schema = output_schema(lineage)
    arrow_schema = pa.schema(
        [pa.field(f.name, _arrow_type(f.dataType)) for f in schema.fields],
    )

    def build(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            rows = _records(batch.to_pylist())
            columns = list(zip(*rows, strict=True)) if rows else [[] for _ in arrow_schema]
            yield pa.RecordBatch.from_arrays(
                [pa.array(list(c), type=t.type) for c, t in zip(columns, arrow_schema, strict=True)],
                schema=arrow_schema,
            )

    return narrow.mapInArrow(build, schema)


def _arrow_type(data_type) -> pa.DataType:
    from pyspark.sql.pandas.types import to_arrow_type

    return to_arrow_type(data_type)
