"""A faster ``random.Random`` for generation: the stock ``choice``/``randint`` dominate the profile.

The overrides derive everything from ``random()`` (one C call) instead of ``getrandbits`` loops; the
tiny modulo bias is irrelevant for synthetic data, and the stream stays fully determined by the seed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


class Rng(random.Random):
    def choice(self, seq: Sequence[T]) -> T:
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            return int(self.random() * start)
        return start + step * int(self.random() * ((stop - start + step - 1) // step))
