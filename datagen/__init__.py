"""Synthetic travel data for the landing zone: the input side of ``upt generate``.

A seeded population of travellers, each seen by several source systems (airline, hotel, web, contact
centre) with realistic identity noise, written as UPT business-object JSONL plus a ground-truth CSV
that maps every source traveller id to the real person, for testing identity resolution.
"""

from datagen.generator import BUSINESS_OBJECTS, Options, Summary, generate

__all__ = ["BUSINESS_OBJECTS", "Options", "Summary", "generate"]
