"""Every business-object module provides ``BusinessObjectTransform``, and the registry hands it out typed."""

from __future__ import annotations

import types
import typing

import pytest
from pyspark.sql import functions as F

from tests.transforms.helpers import bo_frame
from transforms import registry
from transforms.contract import BusinessObjectTransform
from transforms.reasons import REASONS
from transforms.schemas import SCHEMAS


def test_registry_is_typed_by_the_contract():
    assert typing.get_type_hints(registry.transform_module)["return"] is BusinessObjectTransform


@pytest.mark.parametrize("name", registry.BUSINESS_OBJECTS)
def test_module_meets_the_contract(name):
    module = registry.transform_module(name)
    assert isinstance(module, BusinessObjectTransform)
    assert module.BUSINESS_OBJECT == name
    assert module.SCHEMA is SCHEMAS[name]
    assert set(module.ACCP_TABLES) <= set(registry.ACCP_OBJECT_TYPES)
    assert len(set(module.ACCP_TABLES)) == len(module.ACCP_TABLES)
    assert module.object_json_needed is None or callable(module.object_json_needed)
    assert callable(module.reject_reasons) and callable(module.to_accp)


def test_a_module_without_the_contract_is_refused(monkeypatch):
    bare = types.ModuleType("transforms.pax_profile")
    bare.reject_reasons = lambda df, max_extended_data: None
    assert not isinstance(bare, BusinessObjectTransform)
    monkeypatch.setattr(registry, "importlib", types.SimpleNamespace(import_module=lambda name: bare))
    with pytest.raises(TypeError, match="BusinessObjectTransform"):
        registry.transform_module("pax_profile")


@pytest.mark.parametrize("name", registry.BUSINESS_OBJECTS)
def test_declared_tables_and_reason_type_match_what_the_module_builds(spark, name):
    """Plans only (no rows): ``to_accp``'s tables are ``ACCP_TABLES``, ``reject_reasons`` is typed."""
    module = registry.transform_module(name)
    df = bo_frame(spark, name, [])
    assert tuple(module.to_accp(df)) == module.ACCP_TABLES
    reasons = df.select(module.reject_reasons(df, 5000).alias("r")).schema["r"].dataType
    assert reasons.simpleString() == REASONS.simpleString()
    if module.object_json_needed is not None:
        assert dict(df.select(module.object_json_needed(F.col("data")).alias("n")).dtypes)["n"] == "boolean"
