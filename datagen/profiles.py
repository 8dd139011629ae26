"""Person-shaped blocks: pax and guest profiles, passengers, hotel guests, loyalty programs.

Airline systems (pax profile, passenger) and hotel systems (guest profile, holder, guest) use different
loyalty shapes in UPT's schemas; both are built here so the two sides stay consistent per person.
"""

from __future__ import annotations

from datagen.catalog import MEAL_PREFERENCES, SEAT_PREFERENCES
from datagen.context import MODEL_VERSION, Ctx
from datagen.noise import View
from datagen.people import Person

AIR_PROGRAM = "Horizon Miles"
HOTEL_PROGRAM = "Harbor Rewards"
_EMPTY_AIR_LOYALTY_STRINGS = (
    "reasonForClose",
    "displayPreference",
    "dateTimeFormatPreference",
    "fareTypePreference",
    "privacyIndicator",
    "carPreferenceVendor",
    "carPreferenceType",
    "specialAccommodation1",
    "specialAccommodation2",
    "specialAccommodation3",
    "specialAccommodation4",
    "specialAccommodation5",
    "renewDate",
    "clearEnrollDate",
    "clearRenewDate",
    "clearTierLevel",
    "tsaType",
    "tsaSeqNum",
    "tsaNumber",
)


def alternate_ids(ctx: Ctx, p: Person) -> list[dict]:
    """The CRM id some systems carry: a strong cross-system link, present only for some people."""
    if not p.crm_id or ctx.rng.random() < 0.5:
        return []
    return [{"name": "crm", "value": p.crm_id, "description": "CRM customer id", "lastUpdatedOn": ctx.past(30, 900)}]


def _transactions(ctx: Ctx, unit: str, count: int) -> list[dict]:
    rng = ctx.rng
    txs = []
    for _ in range(count):
        points = round(rng.uniform(200, 6000), 1)
        accrual = rng.random() < 0.8
        txs.append(
            {
                "id": ctx.ids.transaction.next(),
                "timeStamp": ctx.past(1, 400),
                "category": "accrual" if accrual else "redeem",
                "description": "Points earned on travel" if accrual else "Points redeemed for an award",
                "pointsOffset": points if accrual else -points,
                "pointUnit": unit,
                "source": rng.choice(("flight", "stay", "partner", "promotion")),
                "agent": ctx.agent() if rng.random() < 0.2 else "",
            }
        )
    return txs


def air_loyalty(ctx: Ctx, p: Person, with_transactions: bool) -> list[dict]:
    """The airline loyalty block; UPT's schema requires all 42 keys, most of them left empty."""
    if not p.ff_number:
        return []
    rng = ctx.rng
    program = dict.fromkeys(_EMPTY_AIR_LOYALTY_STRINGS, "")
    program.update(
        {
            "id": p.ff_number,
            "programName": AIR_PROGRAM,
            "miles": float(rng.randint(0, 250_000)),
            "milesToNextLevel": float(rng.randint(0, 50_000)),
            "level": p.ff_level,
            "joined": ctx.past(100, 4000),
            "enrollmentSource": rng.choice(("web", "airport", "mobile", "partner")),
            "currency": "",
            "amount": 0.0,
            "accountStatus": "active",
            "languagePreference": p.pool.language,
            "mealPreference": rng.choice(MEAL_PREFERENCES),
            "seatPreference": rng.choice(SEAT_PREFERENCES),
            "homeAirport": p.household.airport,
            "cabinPreference": rng.choice(("", "economy", "premium", "business")),
            "expertMode": rng.random() < 0.1,
            "marketingOptIns": rng.choice(("", "email", "email,sms")),
            "nextBillAmount": 0.0,
            "clearNextBillAmount": 0.0,
            "clearIsActive": False,
            "clearAutoRenew": False,
            "clearHasBiometrics": False,
            "clearHasPartnerPricing": False,
        }
    )
    if with_transactions:
        program["transactions"] = _transactions(ctx, "miles", rng.randint(0, 2))
    return [program]


def hotel_loyalty(ctx: Ctx, p: Person, with_transactions: bool) -> list[dict]:
    if not p.hotel_loyalty:
        return []
    rng = ctx.rng
    return [
        {
            "id": p.hotel_loyalty,
            "programName": HOTEL_PROGRAM,
            "points": float(rng.randint(0, 120_000)),
            "pointUnit": "points",
            "pointsToNextLevel": float(rng.randint(0, 20_000)),
            "level": p.hotel_level,
            "joined": ctx.past(100, 4000),
            "transactions": _transactions(ctx, "points", rng.randint(0, 2)) if with_transactions else [],
        }
    ]


def _header(ctx: Ctx, source_id: str, updated: str, created: str) -> dict:
    return {
        "modelVersion": MODEL_VERSION,
        "id": source_id,
        "lastUpdatedOn": updated,
        "createdOn": created,
        "lastUpdatedBy": ctx.agent() if ctx.rng.random() < 0.3 else "system",
        "createdBy": ctx.agent() if ctx.rng.random() < 0.3 else "web",
    }


def pax_profile(ctx: Ctx, v: View, pax_id: str, updated: str, created: str) -> dict:
    """An airline customer profile (UPT ``pax_profile``)."""
    record = _header(ctx, pax_id, updated, created)
    record["isBooker"] = v.person.adult
    record["emails"] = v.emails(verified=ctx.rng.random() < 0.6)
    record["phones"] = v.phones()
    record["addresses"] = v.addresses(ctx.rng)
    record.update(v.person_fields())
    record["loyaltyPrograms"] = air_loyalty(ctx, v.person, with_transactions=True)
    alt = alternate_ids(ctx, v.person)
    if alt:
        record["alternateProfileIds"] = alt
    return record


def passenger(ctx: Ctx, v: View, passenger_id: str, is_booker: bool, updated: str, created: str) -> dict:
    """A passenger inside an air booking; contact details are often only on the booker."""
    record = _header(ctx, passenger_id, updated, created)
    record["isBooker"] = is_booker
    record["emails"] = v.emails(verified=ctx.rng.random() < 0.5)
    record["phones"] = v.phones(verified=ctx.rng.random() < 0.5)
    record["addresses"] = v.addresses(ctx.rng)
    record.update(v.person_fields())
    if v.person.ff_number and ctx.rng.random() < 0.4:
        record["loyaltyPrograms"] = air_loyalty(ctx, v.person, with_transactions=False)
    return record


def guest(ctx: Ctx, v: View, guest_id: str, updated: str, created: str, full: bool) -> dict:
    """A hotel guest: the guest profile itself (``full``) or a booking's holder/additional guest."""
    record = _header(ctx, guest_id, updated, created)
    emails, phones, addresses = v.emails(), v.phones(), v.addresses(ctx.rng)
    if emails:
        record["emails"] = emails
    if phones:
        record["phones"] = phones
    if addresses:
        record["addresses"] = addresses
    record.update(v.person_fields())
    record["loyaltyPrograms"] = hotel_loyalty(ctx, v.person, with_transactions=full)
    alt = alternate_ids(ctx, v.person) if full else []
    if alt:
        record["alternateProfileIds"] = alt
    return record
