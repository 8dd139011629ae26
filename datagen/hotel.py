"""Hotel bookings (segments, products, holder and additional guests) and hotel stays (revenue folios)."""

from __future__ import annotations

from dataclasses import dataclass

from datagen.air import Traveller
from datagen.catalog import (
    ADD_ONS,
    AIRPORTS,
    BOOKING_CHANNELS,
    BRANDS,
    CURRENCIES,
    FOLIO_EXTRAS,
    HOTEL_STATUSES,
    RATE_PLANS,
    ROOM_ATTRIBUTES,
    ROOM_TYPES,
)
from datagen.context import MODEL_VERSION, Ctx
from datagen.noise import View
from datagen.profiles import alternate_ids, guest


@dataclass(frozen=True)
class Reservation:
    """What a later stay needs to know about a booking."""

    booking_id: str
    hotel_code: str
    brand: str
    currency: str
    start_day: int
    nights: int
    products: tuple[str, ...]


def _product(ctx: Ctx) -> dict:
    rng = ctx.rng
    room, rate = rng.choice(ROOM_TYPES), rng.choice(RATE_PLANS)
    attributes = rng.sample(ROOM_ATTRIBUTES, rng.randint(0, 2))
    return {
        "id": ctx.ids.product.next(),
        "description": f"{room[1]} ({rate[1]})",
        "roomType": {"code": room[0], "name": room[1], "description": room[2]},
        "ratePlan": {"code": rate[0], "name": rate[1], "description": rate[2]},
        "attributes": [{"code": a[0], "name": a[1], "description": a[2]} for a in attributes],
        "addOns": [{"code": a[0], "name": a[1], "description": a[2]} for a in rng.sample(ADD_ONS, rng.randint(0, 2))],
    }


def hotel_booking(
    ctx: Ctx, booking_id: str, holder: Traveller, guests: list[Traveller], day: int, version: int
) -> tuple[dict, Reservation]:
    """One hotel booking updated on window ``day``: one segment, or two when the guests change rooms."""
    rng = ctx.rng
    home = holder.view.person.household.airport
    city, _, currency = rng.choice([a for a in AIRPORTS if a[0] != home])
    hotel_code, brand = f"{city}{rng.randint(1, 12):02d}", rng.choice(BRANDS)
    start = day + (rng.randint(0, 3) if rng.random() < 0.2 else rng.randint(4, 90))
    nights = rng.choices((1, 2, 3, 4, 5, 7), weights=(25, 25, 20, 12, 8, 10))[0]
    status = rng.choice(HOTEL_STATUSES)
    updated, created = ctx.stamp(day), ctx.past(1, 120)
    holder_record = guest(ctx, holder.view, holder.source_id, updated, created, full=False)
    guest_records = [guest(ctx, g.view, g.source_id, updated, created, full=False) for g in guests]
    n_guests = 1 + len(guests) + (rng.random() < 0.1)  # sometimes an unnamed extra guest
    split = nights > 1 and rng.random() < 0.15
    spans = [(start, nights)] if not split else [(start, nights // 2), (start + nights // 2, nights - nights // 2)]
    segments, products = [], []
    for seg_start, seg_nights in spans:
        seg_products = [_product(ctx) for _ in range(rng.choice((1, 1, 1, 2)))]
        products += [p["description"] for p in seg_products]
        before_tax = round(rng.uniform(80, 450) * seg_nights * len(seg_products), 2)
        segment = {
            "id": ctx.ids.segment.next(),
            "hotelCode": hotel_code,
            "brandCode": brand,
            "nNights": seg_nights,
            "nGuests": n_guests,
            "startDate": ctx.clock.date(seg_start),
            "products": seg_products,
            "holder": holder_record,
            "status": status,
            "price": {"totalBeforeTax": before_tax, "totalAfterTax": round(before_tax * 1.12, 2)},
        }
        if guest_records:
            segment["additionalGuests"] = guest_records
        segments.append(segment)
    channel = rng.choice(BOOKING_CHANNELS)
    record = {
        "objectVersion": version,
        "modelVersion": MODEL_VERSION,
        "id": booking_id,
        "lastUpdatedOn": updated,
        "createdOn": created,
        "lastUpdatedBy": ctx.agent() if channel == "call-center" else channel,
        "createdBy": ctx.agent() if channel == "call-center" else channel,
        "creationChannelId": channel,
        "lastUpdateChannelId": channel,
        "brandCode": brand,
        "hotelCode": hotel_code,
        "nNights": nights,
        "nGuests": n_guests,
        "startDate": ctx.clock.date(start),
        "endDate": ctx.clock.date(start + nights),
        "holder": holder_record,
        "paymentInformation": _payment(ctx, holder.view),
        "status": status,
        "currency": {"code": currency, "name": CURRENCIES[currency]},
        "segments": segments,
    }
    if rng.random() < 0.3:
        record["externalIds"] = [{"id": ctx.ids.hotel_booking.next(), "IdName": "crs_id", "originatingSystem": "crs"}]
    return record, Reservation(booking_id, hotel_code, brand, currency, start, nights, tuple(products))


def _payment(ctx: Ctx, holder: View) -> dict:
    rng = ctx.rng
    if rng.random() < 0.15:
        return {"paymentType": "pay_at_hotel"}
    return {
        "paymentType": "credit_card",
        "ccInfo": {
            "token": ctx.ids.card.next(),
            "cardType": rng.choice(("visa", "mastercard", "amex")),
            "cardExp": f"{rng.randint(1, 12):02d}/{rng.randint(25, 30)}",
            "cardCvv": "",
            "name": f"{holder.first} {holder.last}",
        },
    }


def hotel_stay(ctx: Ctx, stay_id: str, guest_id: str, v: View, res: Reservation, day: int) -> dict:
    """The folio of a stay, updated on window ``day``: one room charge per night plus a few extras."""
    rng = ctx.rng
    currency = {"code": res.currency, "name": CURRENCIES[res.currency]}
    description = rng.choice(res.products) if res.products else "Standard room (Best available rate)"
    rate = round(rng.uniform(80, 450), 2)
    revenue = []
    for night in range(res.nights):
        date = ctx.clock.date(res.start_day + night)
        revenue.append(
            {
                "type": f"Room Charge {date}",
                "description": description,
                "currency": currency,
                "amount": rate,
                "date": f"{date}T00:00:00Z",
            }
        )
    for _ in range(rng.choice((0, 0, 1, 2, 3))):
        kind, text, low, high = rng.choice(FOLIO_EXTRAS)
        night = rng.randrange(res.nights)
        revenue.append(
            {
                "type": kind,
                "description": text,
                "currency": currency,
                "amount": round(rng.uniform(low, high), 2),
                "date": ctx.clock.timestamp(res.start_day + night, rng.randint(8 * 3600, 23 * 3600), 0),
            }
        )
    record = {
        "objectVersion": rng.randint(1, 20),
        "modelVersion": MODEL_VERSION,
        "id": stay_id,
        "bookingId": res.booking_id,
        "guestId": guest_id,
        "lastUpdatedOn": ctx.stamp(day),
        "createdOn": ctx.clock.timestamp(res.start_day, rng.randint(14 * 3600, 20 * 3600), rng.randrange(1_000_000)),
        "lastUpdatedBy": ctx.agent(),
        "createdBy": ctx.agent(),
        "currency": currency,
        "firstName": v.first,
        "lastName": v.last,
        "email": v.email,
        "phone": v.phone,
        "startDate": ctx.clock.date(res.start_day),
        "hotelCode": res.hotel_code,
        "revenue": revenue,
    }
    alt = alternate_ids(ctx, v.person)
    if alt:
        record["alternateProfileIds"] = alt
    return record


def past_reservation(ctx: Ctx, home_airport: str, checkout_day: int) -> Reservation:
    """A stay's booking that predates the landing window (hotel stays are reported after checkout)."""
    rng = ctx.rng
    city, _, currency = rng.choice([a for a in AIRPORTS if a[0] != home_airport])
    nights = rng.choices((1, 2, 3, 4, 5, 7), weights=(25, 25, 20, 12, 8, 10))[0]
    room, rate = rng.choice(ROOM_TYPES), rng.choice(RATE_PLANS)
    return Reservation(
        booking_id=ctx.ids.hotel_booking.next(),
        hotel_code=f"{city}{rng.randint(1, 12):02d}",
        brand=rng.choice(BRANDS),
        currency=currency,
        start_day=checkout_day - nights - rng.randint(0, 2),
        nights=nights,
        products=(f"{room[1]} ({rate[1]})",),
    )
