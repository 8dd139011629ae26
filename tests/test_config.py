"""Configuration: base + environment file + environment variables + flags, in that order."""

from __future__ import annotations

import pytest

from runtime.config import load_settings
from runtime.spark import spark_conf


def test_local_is_the_default_and_resolves_jars(monkeypatch):
    monkeypatch.delenv("UPT_WAREHOUSE", raising=False)
    settings = load_settings()
    assert settings.env == "local"
    assert settings.get("jars.resolve") is True
    assert settings.get("master") == "local[2]"
    assert settings.get("ingest.error_ttl_days") == 7


@pytest.mark.parametrize("env", ["emr", "glue"])
def test_platform_envs_download_nothing(env):
    settings = load_settings(env)
    assert settings.get("jars.resolve") is False
    assert settings.warehouse.startswith("s3://")
    conf = spark_conf(settings)
    assert "spark.jars" not in conf and "spark.jars.packages" not in conf


def test_flags_beat_environment_variables_beat_files(monkeypatch, tmp_path):
    monkeypatch.setenv("UPT_WAREHOUSE", str(tmp_path / "from-env"))
    assert load_settings("local").warehouse == str(tmp_path / "from-env")
    assert load_settings("local", {"warehouse": str(tmp_path / "flag")}).warehouse == str(tmp_path / "flag")
    assert load_settings("local", {"warehouse": None}).warehouse == str(tmp_path / "from-env")


def test_table_paths_and_per_object_landing_roots():
    settings = load_settings(
        "local", {"warehouse": "s3://wh", "landing": "s3://land", "landing_roots": {"air_booking": "s3://air-bucket"}}
    )
    assert settings.table_path("accp", "air_booking") == "s3://wh/accp/air_booking"
    assert settings.landing_root("air_booking") == "s3://air-bucket"
    assert settings.landing_root("hotel_stay") == "s3://land/hotel_stay"
    with pytest.raises(ValueError):
        settings.table_path("bronze", "x")


def test_s3_endpoint_sets_path_style_access():
    conf = spark_conf(load_settings("emr", {"s3.endpoint": "http://127.0.0.1:5000"}))
    assert conf["spark.hadoop.fs.s3a.endpoint"] == "http://127.0.0.1:5000"
    assert conf["spark.hadoop.fs.s3a.path.style.access"] == "true"
    assert conf["spark.hadoop.fs.s3a.connection.ssl.enabled"] == "false"


def test_unknown_env_is_refused():
    with pytest.raises(ValueError):
        load_settings("prod")


@pytest.mark.parametrize(
    ("text", "expected"), [("false", False), ("Off", False), ("0", False), ("yes", True), ("1", True)]
)
def test_switches_from_environment_variables_are_booleans(monkeypatch, text, expected):
    monkeypatch.setenv("UPT_VALIDATE_AFTER_JOBS", text)
    assert load_settings("local").flag("quality.validate_after_jobs") is expected


def test_a_switch_that_is_not_a_boolean_names_its_key_at_load(monkeypatch):
    from runtime.inputs import InputError

    monkeypatch.setenv("UPT_AUTO_CREATE_DOMAINS", "sometimes")
    with pytest.raises(InputError, match=r"conf ingest\.auto_create_domains: invalid value 'sometimes'"):
        load_settings("local")
    monkeypatch.delenv("UPT_AUTO_CREATE_DOMAINS")
    with pytest.raises(InputError, match=r"conf metrics\.cloudwatch"):
        load_settings("local", {"metrics.cloudwatch": "maybe"})
    assert load_settings("local", {"metrics.cloudwatch": True}).flag("metrics.cloudwatch") is True


def test_a_misspelt_section_is_refused_by_name():
    from runtime.inputs import InputError

    with pytest.raises(InputError, match=r"conf: unknown key 'ingset'"):
        load_settings("local", {"ingset.concurrent_jobs": 4})


@pytest.mark.parametrize("bad", ["-1", "lots", "2.5", True])
def test_a_line_count_setting_must_be_a_whole_number(bad):
    from runtime.inputs import InputError

    with pytest.raises(InputError, match=r"conf ingest\.interpreted_below_lines: invalid value"):
        load_settings("local", {"ingest.interpreted_below_lines": bad})
    assert load_settings("local", {"ingest.interpreted_below_lines": "7"}).get("ingest.interpreted_below_lines") == "7"
