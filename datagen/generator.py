"""Drive the generation: household by household, each person's footprint in every source system.

Each household gets its own random stream (derived from the seed and the household number), ids come
from counters, and records are written as soon as a household is done. Output therefore depends only on
the arguments, and memory does not grow with the number of travellers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date

from datagen.air import Traveller, air_booking
from datagen.clock import Clock
from datagen.context import Ctx
from datagen.digital import clickstream_session, customer_service
from datagen.hotel import hotel_booking, hotel_stay, past_reservation
from datagen.ids import IdFactory, uuid_like
from datagen.noise import BOOKING_NOISE, COMPANION_NOISE, DIGITAL_NOISE, PROFILE_NOISE, View, view
from datagen.people import Household, Person, PopulationFactory
from datagen.pools import build_pools
from datagen.profiles import guest, pax_profile
from datagen.rand import Rng
from datagen.writer import LandingWriter, TextFile

BUSINESS_OBJECTS = (
    "air_booking",
    "pax_profile",
    "guest_profile",
    "hotel_booking",
    "hotel_stay",
    "clickstream",
    "customer_service_interaction",
)
TRUTH_HEADER = "source_traveller_id,person_id,business_object\n"

_encode = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False).encode


@dataclass(frozen=True)
class Options:
    out: str
    domain: str
    travellers: int = 1000
    seed: int = 42
    days: int = 5
    start_date: date = date(2024, 1, 1)
    truth: str | None = None
    lines_per_file: int = 50_000

    @property
    def truth_path(self) -> str:
        return self.truth or f"{self.out.rstrip('/')}/_truth/{self.domain}/truth.csv"


@dataclass
class Summary:
    travellers: int = 0
    households: int = 0
    truth_rows: int = 0
    lines: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


def generate(options: Options) -> Summary:
    """Write the landing files and the ground-truth CSV for ``options``; return what was written."""
    if options.travellers < 0:
        raise ValueError("travellers must be >= 0")
    pools = build_pools(options.seed)
    ids = IdFactory(options.seed)
    clock = Clock(options.start_date, options.days)
    population = PopulationFactory(pools, ids)
    summary = Summary()
    landing = LandingWriter(options.out, options.domain, options.lines_per_file)
    truth = TextFile(options.truth_path)
    try:
        truth.write(TRUTH_HEADER)
        while summary.travellers < options.travellers:
            rng = Rng(f"household/{options.seed}/{summary.households}")
            house = population.household(rng, summary.households, options.travellers - summary.travellers)
            ctx = Ctx(pools, ids, clock, rng)
            _live(ctx, house)
            for business_object, day, record in ctx.records:
                landing.write(business_object, clock.folder(day), _encode(record))
            truth.write("".join(f"{sid},{pid},{bo}\n" for (sid, bo), pid in ctx.truth.items()))
            summary.truth_rows += len(ctx.truth)
            summary.travellers += len(house.members)
            summary.households += 1
    finally:
        landing.close()
        truth.close()
    summary.lines = {bo: landing.counts.get(bo, 0) for bo in BUSINESS_OBJECTS}
    summary.files = list(landing.files)
    return summary


def _later_day(ctx: Ctx, day: int) -> int | None:
    """A window day after ``day`` for a re-sent update, or None when the window has no later day."""
    return ctx.rng.randint(day + 1, ctx.clock.days - 1) if day + 1 < ctx.clock.days else None


def _live(ctx: Ctx, house: Household) -> None:
    """Everything the members of one household do in the landing window."""
    pax_views: dict[str, View] = {}
    guest_views: dict[str, View] = {}
    for person in house.members:
        if person.pax_ids:
            pax_views[person.pid] = _pax_profiles(ctx, person)
        if person.guest_id:
            guest_views[person.pid] = _guest_profile(ctx, person)
    for person in house.members:
        if not person.adult:
            if person.age >= 13 and ctx.rng.random() < 0.3:
                _sessions(ctx, person, 1, [])
            continue
        others = [m for m in house.members if m is not person]
        bookings = _air_bookings(ctx, person, others, pax_views)
        bookings += _hotel_bookings(ctx, person, others, guest_views)
        _past_stays(ctx, person, guest_views.get(person.pid))
        _sessions(ctx, person, ctx.rng.choices((0, 1, 2, 3, 4), weights=(30, 40, 18, 8, 4))[0], bookings)
        _interactions(ctx, person, ctx.rng.choices((0, 1, 2), weights=(72, 23, 5))[0], bookings)


def _pax_profiles(ctx: Ctx, person: Person) -> View:
    """The airline profile(s) of a person; some are re-sent later with a changed email or phone."""
    rng = ctx.rng
    first_view = None
    for pax_id in person.pax_ids:
        v = view(rng, person, PROFILE_NOISE)
        first_view = first_view or v
        created = ctx.past(30, 3000)
        day = ctx.clock.random_day(rng)
        ctx.emit("pax_profile", day, pax_profile(ctx, v, pax_id, ctx.stamp(day), created))
        ctx.claim(pax_id, person, "pax_profile")
        later = _later_day(ctx, day)
        if later is not None and rng.random() < 0.1:
            changed = view(rng, person, PROFILE_NOISE)
            updated = replace(v, email=changed.email, email_type=changed.email_type, phone=changed.phone)
            ctx.emit("pax_profile", later, pax_profile(ctx, updated, pax_id, ctx.stamp(later), created))
    return first_view


def _guest_profile(ctx: Ctx, person: Person) -> View:
    v = view(ctx.rng, person, PROFILE_NOISE)
    day = ctx.clock.random_day(ctx.rng)
    ctx.emit("guest_profile", day, guest(ctx, v, person.guest_id, ctx.stamp(day), ctx.past(30, 3000), full=True))
    ctx.claim(person.guest_id, person, "guest_profile")
    return v


def _companions(ctx: Ctx, others: list[Person], chance: float) -> list[Person]:
    if not others or ctx.rng.random() >= chance:
        return []
    return ctx.rng.sample(others, ctx.rng.randint(1, len(others)))


def _booking_view(ctx: Ctx, person: Person, known: View | None, is_lead: bool) -> View:
    """Bookings mostly copy the system's profile of a person; otherwise the name is typed in afresh."""
    if known is not None and ctx.rng.random() < 0.85:
        return known
    return view(ctx.rng, person, BOOKING_NOISE if is_lead else COMPANION_NOISE)


def _air_bookings(ctx: Ctx, person: Person, others: list[Person], pax_views: dict[str, View]) -> list[str]:
    rng = ctx.rng
    pnrs = []
    for _ in range(rng.choices((0, 1, 2, 3), weights=(35, 35, 20, 10))[0]):
        travellers = []
        for i, member in enumerate([person, *_companions(ctx, others, 0.6)]):
            if member.pax_ids and rng.random() < 0.95:
                source_id = member.pax_ids[-1] if len(member.pax_ids) > 1 and rng.random() < 0.5 else member.pax_ids[0]
            else:
                source_id = ctx.ids.passenger.next() if rng.random() < 0.92 else ""
            travellers.append(
                (member, Traveller(_booking_view(ctx, member, pax_views.get(member.pid), i == 0), source_id))
            )
        pnr = ctx.ids.pnr.next()
        day = ctx.clock.random_day(rng)
        record = air_booking(ctx, pnr, [t for _, t in travellers], day, rng.randint(1, 3))
        ctx.emit("air_booking", day, record)
        for member, t in travellers:
            ctx.claim(t.source_id, member, "air_booking")
        later = _later_day(ctx, day)
        if later is not None and rng.random() < 0.1:
            ctx.emit(
                "air_booking", later, _resent(ctx, record, later, "cancelled" if rng.random() < 0.3 else "ticketed")
            )
        pnrs.append(pnr)
    return pnrs


def _resent(ctx: Ctx, record: dict, day: int, status: str) -> dict:
    """The same air booking sent again with a new version and status (shares unchanged sub-objects)."""
    updated = dict(record)
    updated["objectVersion"] = record["objectVersion"] + 1
    updated["lastUpdatedOn"] = ctx.stamp(day)
    updated["status"] = status
    updated["itinerary"] = dict(record["itinerary"], status=status)
    return updated


def _hotel_bookings(ctx: Ctx, person: Person, others: list[Person], guest_views: dict[str, View]) -> list[str]:
    rng = ctx.rng
    booking_ids = []
    for _ in range(rng.choices((0, 1, 2, 3), weights=(45, 35, 15, 5))[0]):
        people = [person, *_companions(ctx, others, 0.5)]
        travellers = []
        for i, member in enumerate(people):
            if member.guest_id and rng.random() < 0.92:
                source_id = member.guest_id
            else:
                source_id = ctx.ids.guest.next() if rng.random() < (0.97 if i == 0 else 0.85) else ""
            travellers.append(Traveller(_booking_view(ctx, member, guest_views.get(member.pid), i == 0), source_id))
        booking_id = ctx.ids.hotel_booking.next()
        day = ctx.clock.random_day(rng)
        record, reservation = hotel_booking(ctx, booking_id, travellers[0], travellers[1:], day, rng.randint(1, 3))
        ctx.emit("hotel_booking", day, record)
        for member, t in zip(people, travellers, strict=True):
            ctx.claim(t.source_id, member, "hotel_booking")
        checkout = reservation.start_day + reservation.nights
        if checkout < ctx.clock.days and record["status"] != "cancelled" and rng.random() < 0.6:
            holder = travellers[0]
            ctx.emit(
                "hotel_stay",
                checkout,
                hotel_stay(ctx, ctx.ids.stay.next(), holder.source_id, holder.view, reservation, checkout),
            )
            ctx.claim(holder.source_id, person, "hotel_stay")
        booking_ids.append(booking_id)
    return booking_ids


def _past_stays(ctx: Ctx, person: Person, known: View | None) -> None:
    """Stays whose bookings predate the window; the hotel's PMS may file the guest under its own id."""
    rng = ctx.rng
    if rng.random() >= (0.4 if person.guest_id else 0.1):
        return
    roll = rng.random()
    if person.guest_id and roll < 0.8:
        guest_id = person.guest_id
    else:
        guest_id = ctx.ids.pms_guest.next() if roll < 0.97 else ""
    v = known if known is not None and rng.random() < 0.5 else view(rng, person, BOOKING_NOISE)
    day = ctx.clock.random_day(rng)
    reservation = past_reservation(ctx, person.household.airport, day)
    ctx.emit("hotel_stay", day, hotel_stay(ctx, ctx.ids.stay.next(), guest_id, v, reservation, day))
    ctx.claim(guest_id, person, "hotel_stay")


def _digital_view(ctx: Ctx, person: Person) -> View:
    return view(ctx.rng, person, DIGITAL_NOISE)


def _sessions(ctx: Ctx, person: Person, count: int, bookings: list[str]) -> None:
    for _ in range(count):
        session_id = uuid_like(ctx.rng) if ctx.rng.random() >= 0.01 else ""
        day = ctx.clock.random_day(ctx.rng)
        for event in clickstream_session(ctx, _digital_view(ctx, person), session_id, day, bookings):
            ctx.emit("clickstream", day, event)
        ctx.claim(session_id, person, "clickstream")


def _interactions(ctx: Ctx, person: Person, count: int, bookings: list[str]) -> None:
    for _ in range(count):
        session_id = uuid_like(ctx.rng)
        day = ctx.clock.random_day(ctx.rng)
        record = customer_service(ctx, _digital_view(ctx, person), session_id, day, bookings)
        ctx.emit("customer_service_interaction", day, record)
        ctx.claim(session_id, person, "customer_service_interaction")
