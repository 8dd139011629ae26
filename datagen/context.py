"""What every record builder needs: the household's random stream, ids, the clock, and the output buffer."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from datagen.clock import Clock
from datagen.ids import IdFactory
from datagen.people import Person
from datagen.pools import Pools

MODEL_VERSION = "1.2.0"


@dataclass
class Ctx:
    """Per-household state. Records and truth rows are buffered per household, then written in order."""

    pools: Pools
    ids: IdFactory
    clock: Clock
    rng: random.Random
    records: list[tuple[str, int, dict]] = field(default_factory=list)
    truth: dict[tuple[str, str], str] = field(default_factory=dict)

    def emit(self, business_object: str, day: int, record: dict) -> None:
        self.records.append((business_object, day, record))

    def claim(self, source_id: str, person: Person, business_object: str) -> None:
        """Record that ``source_id`` (as seen in ``business_object``) belongs to ``person``."""
        if source_id:
            self.truth.setdefault((source_id, business_object), person.pid)

    def agent(self) -> str:
        return self.rng.choice(self.pools.agents)

    def stamp(self, day: int, earliest: int = 0, latest: int = 86399) -> str:
        return self.clock.random_timestamp(self.rng, day, earliest, latest)

    def past(self, low: int, high: int) -> str:
        """A timestamp ``low``..``high`` days before the window: when a profile or booking was created."""
        return self.stamp(-self.rng.randint(low, high))
