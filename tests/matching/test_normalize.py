"""Normalisation: one DataFrame of raw values, every normaliser applied, compared with chispa."""

from __future__ import annotations

from chispa import assert_df_equality
from pyspark.sql import functions as F

from matching import normalize


def test_normalisers(spark):
    rows = [
        # raw email, raw phone, record country code, raw name, raw dob
        ("  John.Doe@Example.COM ", "+44 20 7946 0958", None, "  Zoë   O'Brien-Smith ", "1980-03-07"),
        ("not-an-email", "020 7946 0958", "44", "JOSÉ  Ñúñez", "07/03/1980"),
        ("", "0044 20 7946 0958", None, "Straße", "19800307"),
        (None, "(212) 555-0147", None, "   ", "1980/03/07T10:00:00"),
        ("a@b.c", "12-34", None, "Łukasz", "junk"),
        ("x@y.z", "0612345678", None, None, "07.03.1980"),
    ]
    raw = spark.createDataFrame(rows, "email string, phone string, cc string, name string, dob string")
    actual = raw.select(
        normalize.email("email").alias("email"),
        normalize.phone("phone", "1", "cc").alias("phone"),
        normalize.name("name").alias("name"),
        normalize.date_of_birth("dob").alias("dob"),
    )
    expected = spark.createDataFrame(
        [
            ("john.doe@example.com", "442079460958", "zoe obriensmith", "1980-03-07"),
            (None, "442079460958", "jose nunez", "1980-03-07"),
            (None, "442079460958", "strasse", "1980-03-07"),
            (None, "12125550147", None, "1980-03-07"),
            ("a@b.c", None, "lukasz", None),
            ("x@y.z", "1612345678", None, "1980-03-07"),
        ],
        "email string, phone string, name string, dob string",
    )
    assert_df_equality(actual, expected, ignore_nullable=True)


def test_identifier_trims_and_upper_cases(spark):
    df = spark.createDataFrame([(" ff123 ",), ("",)], "v string").select(normalize.identifier(F.col("v")).alias("v"))
    assert_df_equality(df, spark.createDataFrame([("FF123",), (None,)], "v string"), ignore_nullable=True)
