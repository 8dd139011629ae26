"""Dates and timestamps relative to a fixed start date, never the wall clock, so output is reproducible."""

from __future__ import annotations

import random
from datetime import date, timedelta


class Clock:
    """The landing window: ``days`` consecutive update dates starting at ``start``."""

    def __init__(self, start: date, days: int) -> None:
        if days < 1:
            raise ValueError("days must be at least 1")
        self.start = start
        self.days = days
        self._ordinal = start.toordinal()
        window = [start + timedelta(days=i) for i in range(days)]
        self._iso = [d.isoformat() for d in window]
        self._folder = [d.strftime("%Y/%m/%d") for d in window]
        self._other: dict[int, str] = {}

    def folder(self, day: int) -> str:
        """``YYYY/MM/DD`` of window day ``day``: the landing partition of a record updated that day."""
        return self._folder[day]

    def date(self, day: int) -> str:
        """ISO date ``day`` days after the start; may lie outside the window (travel dates, birthdays)."""
        if 0 <= day < self.days:
            return self._iso[day]
        text = self._other.get(day)
        if text is None:
            text = self._other[day] = date.fromordinal(self._ordinal + day).isoformat()
        return text

    def timestamp(self, day: int, second: int, micros: int) -> str:
        """``YYYY-MM-DDTHH:MM:SS.ffffffZ`` at ``second`` seconds into ``day`` (may exceed one day)."""
        extra, second = divmod(second, 86400)
        hours, rest = divmod(second, 3600)
        return f"{self.date(day + extra)}T{hours:02d}:{rest // 60:02d}:{rest % 60:02d}.{micros:06d}Z"

    def random_day(self, rng: random.Random) -> int:
        return rng.randrange(self.days)

    def random_timestamp(self, rng: random.Random, day: int, earliest: int = 0, latest: int = 86399) -> str:
        return self.timestamp(day, rng.randint(earliest, latest), rng.randrange(1_000_000))
