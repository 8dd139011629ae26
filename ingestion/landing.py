"""The ingest's streaming sources and checkpoints: which landing files a run reads, and where it
remembers them.
"""

from __future__ import annotations

from functools import reduce

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from runtime.config import Settings
from transforms.lines import LINE_SEPARATOR, raw_line_columns
from transforms.registry import BUSINESS_OBJECTS


def objects_key(objects: tuple[str, ...]) -> str:
    """Name of the checkpoint for a set of objects: ``all``, or the sorted names joined by ``+``."""
    return "all" if set(objects) == set(BUSINESS_OBJECTS) else "+".join(sorted(objects))


def checkpoint_path(settings: Settings, domain: str, objects: tuple[str, ...]) -> str:
    return f"{settings.checkpoint_root}/ingest/{domain}/{objects_key(objects)}"


def landing_files(spark: SparkSession, settings: Settings, domain: str, objects: tuple[str, ...]) -> DataFrame:
    """One streaming source per business object, unioned: the raw lines of new files, with the
    file, the start of the split each line was read from (to number lines) and its folder's object.

    Each source is a glob (``<root>/<domain>/*``), so an object whose folder does not exist yet is
    simply empty instead of failing the run, and the set of sources stays fixed for the checkpoint.
    """
    sources = [
        spark.readStream.format("text")
        .option("lineSep", LINE_SEPARATOR)
        .option("recursiveFileLookup", "true")
        .option("pathGlobFilter", "*.jsonl")
        .load(f"{settings.landing_root(business_object).rstrip('/')}/{domain}/*")
        .select(*raw_line_columns(F.lit(business_object)))
        for business_object in objects
    ]
    return reduce(DataFrame.unionByName, sources)
