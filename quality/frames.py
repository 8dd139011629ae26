"""Pure DataFrame functions behind validation, status, error replay and the report."""

from __future__ import annotations

from functools import reduce

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from transforms.lines import path_date


def written_by_run(df: DataFrame, domain: str, run_column: str | None, run_id: str | None) -> DataFrame:
    """The domain's rows a run wrote (all the domain's rows when the suite has no run column)."""
    rows = df.where(F.col("domain") == domain)
    return rows.where(F.col(run_column) == run_id) if run_column and run_id else rows


def traveller_coverage(accp: dict[str, DataFrame], traveller_profiles: DataFrame) -> DataFrame:
    """Every distinct ACCP traveller id with its profile id (null = no profile: a referential failure)."""
    ids = reduce(
        DataFrame.unionByName,
        [df.select("domain", "traveller_id", F.lit(name).alias("table")) for name, df in sorted(accp.items())],
    )
    per_id = ids.groupBy("domain", "traveller_id").agg(F.sort_array(F.collect_set("table")).alias("tables"))
    return per_id.join(
        traveller_profiles.select("domain", "traveller_id", "profile_id"), ["domain", "traveller_id"], "left"
    )


def error_id(source_file: Column | str = "source_file", line_number: Column | str = "line_number") -> Column:
    """Short stable id of an ingestion error row (its key is the source file and line)."""
    return F.substring(F.sha2(F.concat_ws("|", F.col(source_file), F.col(line_number).cast("string")), 256), 1, 16)


def errors_summary(errors: DataFrame, samples: int = 3) -> DataFrame:
    """Errors grouped by type and business object: count, open count, newest time and a few samples."""
    ranked = errors.withColumn("id", error_id())
    return (
        ranked.groupBy("error_type", "business_object")
        .agg(
            F.count("*").alias("count"),
            F.sum(F.col("resolved").isNull().cast("int")).alias("open"),
            F.max("error_at").alias("last_error_at"),
            F.slice(
                F.sort_array(F.collect_list(F.struct("error_at", "id", "message", "raw_line")), asc=False), 1, samples
            ).alias("samples"),
        )
        .orderBy(F.col("count").desc(), "error_type", "business_object")
    )


def replay_lines(errors: DataFrame, business_objects: tuple[str, ...]) -> DataFrame:
    """Stored error lines as the numbered lines an ingest batch reads (``number_lines``'s columns).

    Each line keeps its file and line number, so lineage and error keys stay those of the original.
    The folder object is the path segment before the domain when it names a business object, else
    the stored business object. A stored line is text already (invalid bytes were decoded).
    """
    folder = F.regexp_extract("source_file", r"/([a-z_]+)/[^/]+/\d{4}/\d{2}/\d{2}/", 1)
    folder_object = F.when(folder.isin(*business_objects), folder).otherwise(F.col("business_object"))
    return errors.select(
        "source_file",
        folder_object.alias("folder_object"),
        path_date(F.col("source_file")).alias("landing_day"),
        "line_number",
        F.col("raw_line").alias("line"),
        F.lit(False).alias("is_invalid_utf8"),
    )


def landing_day(df: DataFrame) -> DataFrame:
    """Rows with the landing date (``YYYY-MM-DD`` of the file's folder) they came from."""
    return df.withColumn("landing_date", path_date(F.col("source_file")))


def objects_per_day(accp: dict[str, DataFrame]) -> DataFrame:
    """(landing_date, object_type, objects): ACCP records per landing date and type."""
    parts = [
        landing_day(df).groupBy("landing_date").agg(F.count("*").alias("objects")).withColumn("object_type", F.lit(n))
        for n, df in sorted(accp.items())
    ]
    return reduce(DataFrame.unionByName, parts).where(F.col("landing_date").isNotNull())


def last_runs(job_runs: DataFrame) -> DataFrame:
    """The newest run of every job."""
    from pyspark.sql import Window

    newest = Window.partitionBy("job").orderBy(F.col("started_at").desc(), F.col("run_id").desc())
    return job_runs.withColumn("_n", F.row_number().over(newest)).where("_n = 1").drop("_n")
