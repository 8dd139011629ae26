"""hotel_stay -> ``hotel_stay_revenue_items`` as an Arrow-batched builder (twin of transforms.hotel_stay)."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc
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


# Record fields copied as trimmed text from the stay onto each of its revenue items (record field: stay field).
STAY_TEXT_FIELDS = {
    "last_updated_by": "lastUpdatedBy",
    "booking_id": "bookingId",
    "currency_code": "currency_code",
    "currency_name": "currency_name",
    "currency_symbol": "currency_symbol",
    "first_name": "firstName",
    "last_name": "lastName",
    "email": "email",
    "phone": "phone",
    "start_date": "startDate",
    "hotel_code": "hotelCode",
    "created_on": "createdOn",
    "created_by": "createdBy",
}


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


# Numbers Arrow's cast reads exactly as Java's parseDouble does; any other text goes to to_number.
_PLAIN_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


def _columnar(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """The same records column by column: Python only per stay (ids, timestamps) and for rare values."""
    col = {name: batch.column(name) for name in batch.schema.names}
    revenue = col["revenue"]
    parents = pc.list_parent_indices(revenue)
    items = pc.list_flatten(revenue)
    fields = dict(zip([f.name for f in items.type], items.flatten(), strict=True))

    def item(name: str) -> pa.Array:
        return fields[name] if name in fields else pa.nulls(len(items), pa.string())

    stays = batch.select(["guestId", "id", "modelVersion", "lastUpdatedOn", FALLBACK_TS, "run_id", OBJECT_JSON])
    traveller, metas = [], []
    for row in stays.to_pylist():
        if nz(row["guestId"]) != "":
            traveller.append(row["guestId"])
        elif nz(row["id"]) != "":
            traveller.append(generated_id(BUSINESS_OBJECT, row["id"]))
        else:
            traveller.append(generated_id(BUSINESS_OBJECT, row[OBJECT_JSON], "guest"))
        metas.append(
            record_meta(REVENUE_OBJECT_TYPE, row["modelVersion"], row["lastUpdatedOn"], row[FALLBACK_TS], row["run_id"])
        )
    meta_types = [schema.field(name).type for name in RECORD_META_COLUMNS]
    meta = [pa.array(list(values), type=t) for values, t in zip(zip(*metas, strict=True), meta_types, strict=True)]
    if not metas:
        meta = [pa.nulls(0, t) for t in meta_types]

    def per_item(array: pa.Array) -> pa.Array:
        return array.take(parents)

    def text(array: pa.Array) -> pa.Array:
        return pc.fill_null(array, "")

    amount = pc.utf8_trim(item("amount"), " ")
    plain = pc.fill_null(pc.match_substring_regex(amount, _PLAIN_NUMBER), False)
    numbers = pc.cast(pc.if_else(plain, amount, pa.scalar(None, pa.string())), pa.float64())
    odd = pc.and_(pc.invert(plain), pc.is_valid(amount))
    if pc.any(odd).as_py():
        others = [to_number(v) if o else None for v, o in zip(amount.to_pylist(), odd.to_pylist(), strict=True)]
        numbers = pc.coalesce(numbers, pa.array(others, pa.float64()))
    extended = item("extendedData")
    extended_values = [None if v is None else extended_data(v) for v in extended.to_pylist()]
    stay_id = per_item(text(col["id"]))
    kind, date = text(item("type")), text(item("date"))
    own = {
        "traveller_id": per_item(pa.array(traveller, pa.string())),
        "accp_object_id": pc.binary_join_element_wise(stay_id, kind, date, "|"),
        "id": stay_id,
        **{field: per_item(text(col[source])) for field, source in STAY_TEXT_FIELDS.items()},
        "type": kind,
        "description": text(item("description")),
        "amount": pc.fill_null(numbers, 0.0),
        "date": date,
        "extended_data": pc.fill_null(pa.array(extended_values, pa.string()), ""),
    }
    arrays = [per_item(col[name]) for name in LINEAGE_COLUMNS] + [per_item(m) for m in meta]
    arrays += [own[name] for name in _OWN]
    return pa.RecordBatch.from_arrays([a.cast(f.type) for a, f in zip(arrays, schema, strict=True)], schema=schema)


def revenue_items(df: DataFrame, columnar: bool = True) -> DataFrame:
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
            if columnar:
                yield _columnar(batch, arrow_schema)
                continue
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
