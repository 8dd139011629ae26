"""Data quality, status/report, error replay and maintenance (issue 6).

One small crafted warehouse per module (inline rows, no generator or ingest run) keeps this cheap;
the error replay goes through the real ingest batch, maintenance through the CLI.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import boto3
import pytest
from chispa import assert_df_equality
from delta.tables import DeltaTable
from pyspark.sql import functions as F

from jobs.cli import main
from runtime import runs
from runtime.config import load_expectation_documents, load_settings
from storage import tables
from transforms.registry import ACCP_OBJECT_TYPES

DOMAIN = "qa"
RUN = "ingest-20240102T000000-qa000001"
ACCP_SCHEMA = (
    "domain string, accp_object_id string, traveller_id string, object_type string, last_updated string, "
    "last_updated_ts timestamp, address string, run_id string, source_file string, line_number long"
)
# A clickstream line of the generator's shape (two ACCP outputs: a cheap replay); the malformed copy
# lacks its closing brace.
GOOD_CLICK = (
    '{"modelVersion":"1.0","event_type":"search_destination","event_timestamp":"2024-01-01T05:48:09.381717Z",'
    '"arrival_timestamp":"2024-01-01T05:48:10.381717Z","event_version":"1.0","application":{"id":"travel-app"},'
    '"client":{"id":"629db3a4-903d-416a-b05d-f840bf8f60c5"},"device":{"useragent":"travelapp/5.11.3",'
    '"ipAddress":"89.188.21.158"},"session":{"id":"1bb87def-e145-4c21-abb1-2d943550613d"},"attributes":['
    '{"type":"string","name":"destination","stringValue":"BCN"},'
    '{"type":"string","name":"page_name","stringValue":"Search"}],"endpoint":{}}'
)


def _ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture(scope="module")
def warehouse(spark, s3_endpoint, tmp_path_factory):
    """accp/email_history (one bad email), accp/clickstream, profiles, errors and one ingest job run."""
    root = tmp_path_factory.mktemp("quality_wh")
    settings = load_settings(
        "local", {"warehouse": str(root), "metrics.cloudwatch": True, "metrics.namespace": "UPT/QualityTest"}
    )

    def src(day: str, obj: str) -> str:
        return f"s3://landing/{obj}/{DOMAIN}/2024/01/{day}/part-00000.jsonl"

    ts = _ts("2024-01-02 10:00:00")
    emails = [
        (
            DOMAIN,
            "e1",
            "t1",
            "email_history",
            "2024-01-01T10:00:00Z",
            ts,
            "ann@example.com",
            RUN,
            src("01", "pax_profile"),
            1,
        ),
        (
            DOMAIN,
            "e2",
            "t2",
            "email_history",
            "2024-01-02T10:00:00Z",
            ts,
            "not-an-email",
            RUN,
            src("02", "pax_profile"),
            2,
        ),
        (
            DOMAIN,
            "e3",
            "t3",
            "email_history",
            "2024-01-02T10:00:00Z",
            ts,
            "bob@example.org",
            RUN,
            src("02", "pax_profile"),
            3,
        ),
    ]
    clicks = [
        (DOMAIN, "c1", "t1", "clickstream", "2024-01-01T09:00:00Z", ts, None, RUN, src("01", "clickstream"), 1),
        ("other", "c9", "t9", "clickstream", "2024-01-05T09:00:00Z", ts, None, RUN, src("05", "clickstream"), 1),
    ]
    for name, rows in (("email_history", emails), ("clickstream", clicks)):
        spark.createDataFrame(rows, ACCP_SCHEMA).write.format("delta").partitionBy("domain").save(
            settings.table_path("accp", name)
        )
    created = _ts("2024-01-02 00:00:00")
    spark.createDataFrame(
        [
            (DOMAIN, "p1", created, "active", None, created, RUN),
            (DOMAIN, "p2", created, "active", None, created, RUN),
            (DOMAIN, "p3", created, "merged", "p1", created, RUN),
        ],
        "domain string, profile_id string, created_at timestamp, status string, merged_into string, "
        "updated_at timestamp, run_id string",
    ).write.format("delta").partitionBy("domain").save(settings.table_path("identity", "profiles"))
    now = runs.utc_now()
    errors = [
        (
            DOMAIN,
            "pax_profile",
            "malformed_json",
            "line is not well-formed JSON",
            "{bad",
            src("01", "pax_profile"),
            7,
            RUN,
            now,
            now + timedelta(days=7),
            None,
        ),
        (
            DOMAIN,
            "clickstream",
            "validation",
            "too long",
            "{}",
            src("01", "clickstream"),
            3,
            RUN,
            now,
            now + timedelta(days=7),
            None,
        ),
        (
            DOMAIN,
            "clickstream",
            "validation",
            "too long",
            "{}",
            src("02", "clickstream"),
            4,
            "ingest-older",
            now,
            now + timedelta(days=7),
            None,
        ),
    ]
    spark.createDataFrame(errors, tables.INGESTION_ERRORS).write.format("delta").partitionBy("domain").save(
        settings.table_path("ops", "ingestion_errors")
    )
    runs.record_run(
        spark,
        settings,
        {
            "job": "ingest",
            "domain": DOMAIN,
            "run_id": RUN,
            "started_at": now - timedelta(seconds=5),
            "ended_at": now,
            "status": "succeeded",
            "lines_read": 9,
            "lines_rejected": 2,
            "written": {"email_history": 3},
            "duration_s": 5.0,
        },
    )
    return root, settings


def _cli_json(capsys, *argv: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out.strip().splitlines()[-1])


# ----------------------------------------------------------------- suites (pure)
def test_conf_suites_cover_every_table():
    from quality.suites import expectation_id, expectations_for, suite_specs

    documents = load_expectation_documents()
    specs = {s.table: s for s in suite_specs(documents)}
    assert {f"accp/{t}" for t in ACCP_OBJECT_TYPES} <= set(specs)
    assert {"gold/traveller", "identity/traveller_profiles", "derived/accp_traveller_ids"} <= set(specs)
    for table in (f"accp/{t}" for t in ACCP_OBJECT_TYPES):
        ids = {expectation_id(e) for e in expectations_for(specs[table], {}, {})}
        assert "expect_compound_columns_to_be_unique(domain,accp_object_id,traveller_id)" in ids
        assert "expect_column_values_to_match_regex(last_updated)" in ids
        assert specs[table].after == ("ingest",) and specs[table].run_column == "run_id"
    for spec in specs.values():  # results are stored by expectation id: one per suite (else ValueError)
        expectations_for(spec, {}, {})
    click = expectations_for(specs["accp/clickstream"], {}, {})
    events = [e for e in click if expectation_id(e) == "expect_column_values_to_be_in_set(event_type)"][0]
    assert {"search_flight", "confirm_booking", "cross_geofence"} <= set(events.value_set)
    assert "AD" in documents["_codes"]["countries"] and "NO" in documents["_codes"]["countries"]
    assert {"EUR", "USD", "JPY"} <= set(documents["_codes"]["currencies"])


def test_each_expectation_fails_on_its_bad_row_and_passes_on_good_data(spark):
    """One GX run: every rule group on a good column (all valid) and a bad column (one crafted bad value)."""
    from quality.runner import make_context, validate_frame
    from quality.suites import SuiteSpec, expectations_for

    good = {
        "k": ["a", "b", "c"],
        "ts": ["2024-01-01T10:00:00Z", "2024-01-01T10:00:00.123+02:00", "2024-01-01"],
        "day": ["2024-01-01", "1999-12-31", ""],
        "mail": ["a@b.co", "x.y@example.org", ""],
        "phone": ["+1 572 228 3267", "(914) 798-5338", ""],
        "country": ["US", "FRA", ""],
        "cur": ["EUR", "USD", ""],
        "amount": [0.0, 10.5, 3.0],
        "dob": ["1980-05-01", "2001-01-01", "1950-02-02"],
        "event": ["search_flight", "confirm_booking", "login"],
        "req": ["x", "y", "z"],
    }
    bad_value = {
        "k": "b",
        "ts": "2024-13-01T10:00:00Z",
        "day": "01/02/2024",
        "mail": "not-an-email",
        "phone": "call me",
        "country": "XX",
        "cur": "EURO",
        "amount": -1.0,
        "dob": "1800-01-01",
        "event": "page_viewd",
        "req": None,
    }
    columns = list(good)
    rows = []
    for i in range(3):
        row = {}
        for c in columns:
            row[f"good_{c}"] = good[c][i]
            row[f"bad_{c}"] = bad_value[c] if i == 0 else good[c][i]
        rows.append(row)
    schema = ", ".join(f"{p}_{c} {'double' if c == 'amount' else 'string'}" for c in columns for p in ("good", "bad"))
    df = spark.createDataFrame(
        [tuple(r[f] for f in [f"{p}_{c}" for c in columns for p in ("good", "bad")]) for r in rows], schema
    )
    rules = {}
    for prefix in ("good", "bad"):
        part = {
            "unique": [f"{prefix}_k"],
            "not_null": [f"{prefix}_req"],
            "iso_timestamps": [f"{prefix}_ts"],
            "iso_dates": [f"{prefix}_day"],
            "emails": [f"{prefix}_mail"],
            "phones": [f"{prefix}_phone"],
            "countries": [f"{prefix}_country"],
            "currencies": [f"{prefix}_cur"],
            "non_negative": [f"{prefix}_amount"],
            "between": {f"{prefix}_dob": {"min": "1900-01-01", "max": "2100-12-31"}},
            "in_set": {f"{prefix}_event": ["search_flight", "confirm_booking", "login"]},
        }
        for group, value in part.items():
            if isinstance(value, dict):
                rules.setdefault(group, {}).update(value)
            else:
                rules.setdefault(group, []).extend(value)
    spec = SuiteSpec(name="crafted", table="test/crafted", run_column=None, after=(), rules=rules)
    codes = {"countries": ["US", "FR"], "countries_alpha3": ["FRA", "USA"], "currencies": ["EUR", "USD"]}
    expectations = expectations_for(spec, codes, {"default": "warn", "unique": "error"})
    outcomes = validate_frame(make_context(None), "crafted", "test/crafted", df.coalesce(1), expectations)
    by_column = {o.column: o for o in outcomes}
    assert len(outcomes) == 2 * len(columns)
    for c in columns:
        ok, ko = by_column[f"good_{c}"], by_column[f"bad_{c}"]
        assert ok.success and ok.unexpected_count == 0 and ok.element_count == 3, ok
        assert not ko.success and ko.unexpected_count >= 1, ko
        expected = bad_value[c] if bad_value[c] is None or isinstance(bad_value[c], str) else json.dumps(bad_value[c])
        assert ko.sample[0] == (expected if expected is not None else "null"), ko
    assert by_column["bad_k"].severity == "error" and by_column["bad_mail"].severity == "warn"


def test_a_suite_caches_only_the_columns_its_expectations_read(spark):
    import great_expectations.expectations as gxe

    from quality.suites import checked_columns

    frame = spark.createDataFrame([(1, "a@b.io", "x" * 50, 2)], "id long, email string, records string, n long")
    by_column = [
        gxe.ExpectColumnValuesToNotBeNull(column="id"),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["n", "email"]),
    ]
    assert checked_columns(frame, by_column).columns == ["email", "id", "n"]
    # A suite that names no column (a row count) keeps the frame whole.
    row_count = [gxe.ExpectTableRowCountToBeBetween(min_value=1)]
    assert checked_columns(frame, row_count).columns == frame.columns


def test_two_rules_making_one_expectation_are_refused_at_load():
    from quality.suites import SuiteSpec, expectations_for

    rules = {"non_negative": ["n_nights"], "between": {"n_nights": {"min": 0, "max": 365}}}
    spec = SuiteSpec(name="twice", table="accp/hotel_booking", run_column="run_id", after=(), rules=rules)
    with pytest.raises(ValueError, match=r"accp/hotel_booking: rules 'non_negative' and 'between'.*n_nights"):
        expectations_for(spec, {}, {})


def test_referential_coverage_flags_travellers_without_profile(spark):
    from quality.frames import traveller_coverage

    accp = {
        "email_history": spark.createDataFrame([("d", "t1"), ("d", "t2")], "domain string, traveller_id string"),
        "clickstream": spark.createDataFrame([("d", "t2"), ("d", "t3")], "domain string, traveller_id string"),
    }
    profiles = spark.createDataFrame(
        [("d", "t1", "p1"), ("d", "t2", "p1")], "domain string, traveller_id string, profile_id string"
    )
    expected = spark.createDataFrame(
        [
            ("d", "t1", ["email_history"], "p1"),
            ("d", "t2", ["clickstream", "email_history"], "p1"),
            ("d", "t3", ["clickstream"], None),
        ],
        "domain string, traveller_id string, tables array<string>, profile_id string",
    )
    assert_df_equality(traveller_coverage(accp, profiles), expected, ignore_row_order=True, ignore_nullable=True)


# ----------------------------------------------------------------- validate, status, report
@pytest.mark.e2e  # a whole job on Delta tables
def test_validate_writes_results_that_status_counts(spark, warehouse, capsys):
    root, _ = warehouse
    code, summary = _cli_json(
        capsys,
        "validate",
        "--domain",
        DOMAIN,
        "--warehouse",
        str(root),
        "--run-id",
        RUN,
        "--tables",
        "accp/email_history",
    )
    assert code == 0  # the failed email rule is a warning: reported, nothing dropped, exit 0
    assert (
        summary["failed"] == 1
        and summary["failures"][0]["expectation"] == "expect_column_values_to_match_regex(address)"
    )
    results = spark.read.format("delta").load(str(root / "ops" / "validation_results")).where(F.col("domain") == DOMAIN)
    failed = results.where(~F.col("success")).collect()
    assert [(r["table"], r["unexpected_count"], r["sample"]) for r in failed] == [
        ("accp/email_history", 1, ["not-an-email"])
    ]
    assert results.count() == summary["expectations"] and all(r["run_id"] == RUN for r in results.collect())
    assert spark.read.format("delta").load(str(root / "accp" / "email_history")).count() == 3  # nothing dropped
    assert (root / "ops" / "data_docs" / "index.html").exists()

    _, status = _cli_json(capsys, "status", "--domain", DOMAIN, "--warehouse", str(root), "--json")
    direct = {
        t: spark.read.format("delta").load(str(root / "accp" / t)).where(F.col("domain") == DOMAIN).count()
        for t in ("email_history", "clickstream")
    }
    assert status["objects"] == direct and status["objects_total"] == 4
    assert status["profiles"] == 2 and status["profiles_merged"] == 1
    assert status["ingestion_errors"]["total"] == 3 and status["ingestion_errors"]["last_run"] == 2
    assert status["validation_errors"] == {
        **status["validation_errors"],
        "last_run": 1,
        "total": results.where(~F.col("success")).count(),
        "expectations_last_run": summary["expectations"],
    }
    assert status["freshness"]["newest_landing_date"] == "2024-01-02"
    jobs = {j["job"]: j for j in status["jobs"]}
    assert jobs["ingest"]["run_id"] == RUN and jobs["validate"]["status"] == "succeeded"
    assert jobs["validate"]["stage_time_s"] is not None and jobs["validate"]["stage_time_s"] > 0
    # job_runs rows were also put to CloudWatch (moto) because the fixture's conf enables it
    cloudwatch = boto3.client("cloudwatch", endpoint_url=warehouse[1].get("s3.endpoint"))
    names = {m["MetricName"] for m in cloudwatch.list_metrics(Namespace="UPT/QualityTest")["Metrics"]}
    assert {"DurationSeconds", "LinesRead", "LinesRejected"} <= names


def test_report_renders_in_headless_chromium(spark, warehouse, tmp_path, capsys):
    from playwright.sync_api import sync_playwright

    root, settings = warehouse
    out = tmp_path / "report.html"
    assert main(["report", "--domain", DOMAIN, "--warehouse", str(root), "--out", str(out)]) == 0
    from quality.status import gather_status

    status = gather_status(spark, settings, DOMAIN)
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            page = browser.new_page()
            page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("requestfailed", lambda r: problems.append(f"request {r.url}"))
            page.goto(out.resolve().as_uri())
            page.wait_for_load_state("load")
            cards = {
                el.get_attribute("data-metric"): int(el.inner_text().split("\n")[-1].replace(",", ""))
                for el in page.query_selector_all(".card")
            }
            charts = page.eval_on_selector_all("svg rect", "els => els.length")
            embedded = json.loads(page.text_content("#status"))
        finally:
            browser.close()
    assert problems == []
    assert cards == {
        "NUMBER OF OBJECTS": status["objects_total"],
        "NUMBER OF PROFILES": status["profiles"],
        "INGESTION ERRORS": status["ingestion_errors"]["total"],
        "VALIDATION ERRORS": status["validation_errors"]["total"],
    }
    assert charts >= 4  # objects per day (2 days) + errors per type (2 types)
    assert embedded["objects"] == status["objects"]


# ----------------------------------------------------------------- errors
@pytest.mark.e2e  # a whole job on Delta tables
def test_replay_of_a_fixed_line_ingests_it_and_marks_it_resolved(spark, warehouse, capsys):
    root, settings = warehouse
    domain = "qarep"
    source = f"{root}/landing/clickstream/{domain}/2024/01/01/part-00000.jsonl"
    now = runs.utc_now()
    rows = [
        (
            domain,
            "clickstream",
            "malformed_json",
            "line is not well-formed JSON",
            GOOD_CLICK[:-1],
            source,
            5,
            "ingest-x",
            now,
            now + timedelta(days=7),
            None,
        ),
        (
            domain,
            "clickstream",
            "malformed_json",
            "line is not well-formed JSON",
            "{still broken",
            source,
            6,
            "ingest-x",
            now,
            now + timedelta(days=7),
            None,
        ),
    ]
    path = settings.table_path("ops", "ingestion_errors")
    spark.createDataFrame(rows, tables.INGESTION_ERRORS).write.format("delta").mode("append").save(path)

    _, listed = _cli_json(capsys, "errors", "--domain", domain, "--warehouse", str(root), "--json")
    assert [(g["error_type"], g["count"], g["open"]) for g in listed] == [("malformed_json", 2, 2)]
    # the line is fixed in place of its stored raw text, then replayed
    DeltaTable.forPath(spark, path).update(
        (F.col("domain") == domain) & (F.col("line_number") == 5), {"raw_line": F.lit(GOOD_CLICK)}
    )
    code, result = _cli_json(
        capsys, "errors", "replay", "--domain", domain, "--warehouse", str(root), "--type", "malformed_json"
    )
    assert code == 0 and (result["selected"], result["resolved"], result["still_failing"]) == (2, 1, 1)
    after = spark.read.format("delta").load(path).where(F.col("domain") == domain)
    state = {r["line_number"]: r["resolved"] for r in after.collect()}
    assert state[5] == f"replayed {result['run_id']}" and state[6] is None and after.count() == 2
    clicks = (
        spark.read.format("delta").load(settings.table_path("accp", "clickstream")).where(F.col("domain") == domain)
    )
    ingested = clicks.select("event_type", "source_file", "line_number", "run_id").collect()
    assert [tuple(r) for r in ingested] == [("search_destination", source, 5, result["run_id"])]
    assert not (root / "ops" / "_replay" / result["run_id"]).exists()


# ----------------------------------------------------------------- maintenance
def test_retention_never_below_delta_default_unless_conf_allows():
    from lifecycle.maintenance import retention_hours

    assert retention_hours(load_settings("local", {"maintenance.vacuum_retention_hours": 1})) == (168.0, False)
    allowed = {"maintenance.vacuum_retention_hours": 1, "maintenance.allow_short_retention": True}
    assert retention_hours(load_settings("local", allowed)) == (1.0, True)
    assert retention_hours(load_settings("local", {"maintenance.vacuum_retention_hours": 200})) == (200.0, False)


@pytest.mark.e2e  # a whole job on Delta tables
def test_maintain_compacts_keeps_content_and_purges_only_expired_errors(spark, tmp_path, capsys):
    root = tmp_path / "wh"
    settings = load_settings("local", {"warehouse": str(root)})
    path = settings.table_path("accp", "air_loyalty")
    ts = _ts("2024-01-01 00:00:00")
    for i in range(6):  # six small commits: a fragmented table
        spark.createDataFrame(
            [("m", f"o{i}", f"t{i}", "air_loyalty", "2024-01-01T00:00:00Z", ts, None, "r", "f", i)], ACCP_SCHEMA
        ).write.format("delta").mode("append").partitionBy("domain").save(path)
    before = spark.read.format("delta").load(path).localCheckpoint()
    now = runs.utc_now()
    errors = [
        (
            "m",
            "clickstream",
            "validation",
            "x",
            "{}",
            "f",
            n,
            "r",
            now - timedelta(days=9),
            now + timedelta(days=d),
            None,
        )
        for n, d in ((1, -2), (2, -1), (3, 1))
    ]
    spark.createDataFrame(errors, tables.INGESTION_ERRORS).write.format("delta").partitionBy("domain").save(
        settings.table_path("ops", "ingestion_errors")
    )
    files_before = DeltaTable.forPath(spark, path).detail().first()["numFiles"]

    code, report = _cli_json(capsys, "maintain", "--domain", "m", "--warehouse", str(root))
    assert code == 0
    files_after = DeltaTable.forPath(spark, path).detail().first()["numFiles"]
    assert files_before == 6 and files_after == 1
    assert report["tables"]["accp/air_loyalty"]["zorder"] == ["traveller_id", "accp_object_id"]
    assert report["vacuum_retention_hours"] == 168.0 and report["errors_purged"] == 2
    assert_df_equality(spark.read.format("delta").load(path), before, ignore_row_order=True)
    left = spark.read.format("delta").load(settings.table_path("ops", "ingestion_errors"))
    assert [r["line_number"] for r in left.collect()] == [3]
    runs_df = spark.read.format("delta").load(settings.table_path("ops", "job_runs"))
    assert runs_df.where(F.col("job") == "maintain").first()["written"]["errors_purged"] == 2


def test_validation_results_table_schema_is_stable():
    assert tuple(tables.VALIDATION_KEY) == ("domain", "run_id", "table", "expectation")
    assert Path(__file__).parent.parent.joinpath("conf", "expectations", "_codes.yaml").exists()
