"""The one place that reads configuration.

Settings come from ``conf/base.yaml`` overlaid by ``conf/<env>.yaml``, then by a few environment
variables (for tests and orchestrators), then by command-line overrides. ``conf`` is a package so
the YAML files travel inside the wheel or zip that spark-submit ships.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from runtime.inputs import check_bool, validate_settings

ENVIRONMENTS = ("local", "emr", "glue")
LAYERS = ("accp", "identity", "gold", "matching", "ops")

# Environment variables that override a dotted settings key (set by tests, Airflow or a shell).
ENV_OVERRIDES = {
    "UPT_WAREHOUSE": "warehouse",
    "UPT_LANDING": "landing",
    "UPT_S3_ENDPOINT": "s3.endpoint",
    "UPT_JARS_CACHE": "jars.cache",
    "UPT_VALIDATE_AFTER_JOBS": "quality.validate_after_jobs",
    "UPT_AUTO_CREATE_DOMAINS": "ingest.auto_create_domains",
    "UPT_INTERPRETED_BELOW_LINES": "ingest.interpreted_below_lines",
    "UPT_FAULT_CRASH_AT": "faults.crash_at",  # fault injection (tests): end the process at this point
}


def deep_merge(base: dict, override: dict) -> dict:
    """Return ``base`` with ``override`` merged in; nested mappings merge key by key."""
    merged = copy.deepcopy(base)
    for key, value in (override or {}).items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def set_dotted(settings: dict, dotted_key: str, value: Any) -> None:
    """Set ``a.b.c``; under ``spark.conf.`` the rest is one Spark key (``spark.conf.spark.driver.memory``)."""
    node = settings
    if dotted_key.startswith("spark.conf."):
        parents, leaf = ["spark", "conf"], dotted_key[len("spark.conf.") :]
    else:
        *parents, leaf = dotted_key.split(".")
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value


def _read_yaml(name: str) -> dict:
    conf_dir = os.environ.get("UPT_CONF_DIR")
    if conf_dir:
        path = Path(conf_dir) / name
        return yaml.safe_load(path.read_text()) or {} if path.exists() else {}
    resource = resources.files("conf").joinpath(name)
    return (yaml.safe_load(resource.read_text()) or {}) if resource.is_file() else {}


def is_remote(path: str) -> bool:
    return "://" in path


def absolute(path: str) -> str:
    """Local relative paths are taken from the working directory; URIs are kept as they are."""
    return path if is_remote(path) else str(Path(path).expanduser().resolve())


@dataclass(frozen=True)
class Settings:
    """Resolved settings for one run."""

    env: str
    raw: dict = field(repr=False)

    @property
    def warehouse(self) -> str:
        return absolute(self.raw["warehouse"])

    @property
    def landing(self) -> str:
        return absolute(self.raw["landing"])

    @property
    def staging_root(self) -> str:
        """Where an ingest stages parsed batches: ``ingest.staging``, else ``<warehouse>/_staging``."""
        return (self.get("ingest.staging") or f"{self.warehouse.rstrip('/')}/_staging").rstrip("/")

    @property
    def checkpoint_root(self) -> str:
        """Streaming checkpoints of the ingest: ``<warehouse>/<ingest.checkpoints>``."""
        return f"{self.warehouse.rstrip('/')}/{self.get('ingest.checkpoints', '_checkpoints')}"

    def landing_root(self, business_object: str) -> str:
        """Root of one business object's landing zone: its own bucket if conf gives one."""
        own = (self.raw.get("landing_roots") or {}).get(business_object)
        return absolute(own) if own else f"{self.landing.rstrip('/')}/{business_object}"

    def table_path(self, layer: str, table: str) -> str:
        if layer not in LAYERS:
            raise ValueError(f"unknown layer {layer!r}; expected one of {LAYERS}")
        return f"{self.warehouse.rstrip('/')}/{layer}/{table}"

    def get(self, dotted_key: str, default: Any = None) -> Any:
        node: Any = self.raw
        for part in dotted_key.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def flag(self, dotted_key: str, default: bool = False) -> bool:
        """A switch, whether YAML gave a bool or an environment variable gave text (``false``)."""
        return check_bool(self.get(dotted_key, default), f"conf {dotted_key}")


def load_settings(env: str = "local", overrides: dict[str, Any] | None = None) -> Settings:
    """Load ``conf/base.yaml`` + ``conf/<env>.yaml``, then env variables, then ``overrides``.

    ``overrides`` maps dotted keys to values; ``None`` values are ignored so CLI flags that were not
    given do not mask the files.
    """
    if env not in ENVIRONMENTS:
        raise ValueError(f"unknown env {env!r}; expected one of {ENVIRONMENTS}")
    settings = deep_merge(_read_yaml("base.yaml"), _read_yaml(f"{env}.yaml"))
    for variable, key in ENV_OVERRIDES.items():
        if os.environ.get(variable):
            set_dotted(settings, key, os.environ[variable])
    for key, value in (overrides or {}).items():
        if value is not None:
            set_dotted(settings, key, value)
    validate_settings(settings)
    return Settings(env=env, raw=settings)


def load_identity_conf(settings: Settings) -> dict:
    """Identity-resolution settings: ``conf/rules.yaml`` overlaid by an ``identity:`` section of settings."""
    return deep_merge(_read_yaml("rules.yaml").get("identity", {}), settings.get("identity", {}) or {})


def load_matching_conf(settings: Settings) -> dict:
    """Matching settings: ``conf/matching.yaml`` overlaid by a ``matching:`` section of settings."""
    return deep_merge(_read_yaml("matching.yaml").get("matching", {}), settings.get("matching", {}) or {})


def load_expectation_documents() -> dict[str, dict]:
    """``conf/expectations/*.yaml`` by file stem: the data-quality suites and their shared parts."""
    conf_dir = os.environ.get("UPT_CONF_DIR")
    folder = Path(conf_dir) / "expectations" if conf_dir else resources.files("conf").joinpath("expectations")
    if not folder.is_dir():
        return {}
    return {
        entry.name.rsplit(".", 1)[0]: yaml.safe_load(entry.read_text()) or {}
        for entry in folder.iterdir()
        if entry.name.endswith((".yaml", ".yml"))
    }
