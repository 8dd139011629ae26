"""JVM jars for local runs: resolved once from Maven Central with Spark's own Ivy, then cached.

EMR and Glue supply Delta and S3 support themselves, so their conf sets ``jars.resolve: false``
and nothing here runs there.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

MANIFEST = "manifest.json"

_RESOLVER = """
import sys
from pyspark.sql import SparkSession
packages, ivy = sys.argv[1], sys.argv[2]
spark = (SparkSession.builder.master("local[1]").appName("upt-resolve-jars")
         .config("spark.jars.packages", packages).config("spark.jars.ivy", ivy)
         .config("spark.ui.enabled", "false").getOrCreate())
spark.stop()
"""


def cache_dir(cache: str) -> Path:
    return Path(cache).expanduser().resolve()


def cached_jars(cache: str, packages: list[str]) -> list[str] | None:
    """Jars already resolved for exactly these packages, or None when the cache is cold."""
    manifest = cache_dir(cache) / MANIFEST
    if not manifest.exists():
        return None
    recorded = json.loads(manifest.read_text())
    jars = recorded.get("jars", [])
    if recorded.get("packages") != packages or not all(Path(j).exists() for j in jars):
        return None
    return jars


def resolve_jars(cache: str, packages: list[str]) -> list[str]:
    """Return local jar paths for ``packages`` and their dependencies, downloading them if needed.

    Resolution runs in a child Python so the caller's JVM starts with plain ``spark.jars`` and no
    network access is attempted once the cache is warm.
    """
    jars = cached_jars(cache, packages)
    if jars is not None:
        return jars
    root = cache_dir(cache)
    ivy = root / "ivy"
    ivy.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-c", _RESOLVER, ",".join(packages), str(ivy)], check=True)
    jars = sorted(str(p) for p in (ivy / "jars").glob("*.jar"))
    if not jars:
        raise RuntimeError(f"no jars resolved into {ivy / 'jars'} for {packages}")
    (root / MANIFEST).write_text(json.dumps({"packages": packages, "jars": jars}, indent=1))
    return jars


def splink_similarity_jar() -> str | None:
    """Splink's bundled string-similarity UDF jar for Spark 3, when Splink is installed."""
    try:
        import splink
    except ImportError:
        return None
    found = sorted((Path(splink.__file__).parent / "internals" / "files" / "spark_jars").glob("*_spark3.x.jar"))
    return str(found[-1]) if found else None


if __name__ == "__main__":  # `python -m runtime.jars`: warm the cache ahead of time (make setup)
    from runtime.config import load_settings

    settings = load_settings("local")
    for jar in resolve_jars(settings.get("jars.cache"), settings.get("jars.packages")):
        print(jar)
