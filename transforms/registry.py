"""Business object name -> its transform module (``transforms/<name>.py``), checked against the contract."""

from __future__ import annotations

import importlib
from typing import cast

from transforms.contract import BusinessObjectTransform
from transforms.schemas import SCHEMAS

BUSINESS_OBJECTS = tuple(SCHEMAS)

# The ACCP tables a full ingest can write (v1.1 list plus UPT v2 additions).
ACCP_OBJECT_TYPES = (
    "air_booking",
    "air_loyalty",
    "alternate_profile_id",
    "ancillary_service",
    "clickstream",
    "customer_service_interaction",
    "email_history",
    "guest_profile",
    "hotel_booking",
    "hotel_loyalty",
    "hotel_stay_revenue_items",
    "loyalty_transaction",
    "pax_profile",
    "phone_history",
)


def transform_module(business_object: str) -> BusinessObjectTransform:
    """The module of ``business_object``; a module missing part of the contract fails here."""
    if business_object not in SCHEMAS:
        raise KeyError(f"unknown business object {business_object!r}; expected one of {BUSINESS_OBJECTS}")
    module = importlib.import_module(f"transforms.{business_object}")
    if not isinstance(module, BusinessObjectTransform):
        raise TypeError(f"transforms.{business_object} does not provide BusinessObjectTransform")
    return cast(BusinessObjectTransform, module)
