"""Air bookings: itinerary and optional return, passengers, fares, payment and ancillaries."""

from __future__ import annotations

from dataclasses import dataclass

from datagen.catalog import AIR_STATUSES, AIRPORTS, BOOKING_CHANNELS, CARRIERS, FARE_CLASSES, FEE_TYPES, HUBS
from datagen.context import MODEL_VERSION, Ctx
from datagen.noise import View
from datagen.profiles import passenger

_EMPTY_ITINERARY = {
    "from": "",
    "to": "",
    "departureDate": "",
    "departureTime": "",
    "arrivalDate": "",
    "arrivalTime": "",
    "inventory": {"totalSeats": 0},
    "status": "",
}


@dataclass(frozen=True)
class Traveller:
    """A person on a booking: the booking system's view of them and the id it files them under."""

    view: View
    source_id: str


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def _itinerary(ctx: Ctx, origin: str, destination: str, day: int, rank: int, status: str) -> dict:
    """One direction: a direct flight or a connection through a hub (local times, no zones, like UPT samples)."""
    rng = ctx.rng
    stops = [origin, destination]
    if rng.random() < 0.35:
        stops.insert(1, rng.choice([h for h in HUBS if h != origin and h != destination]))
    start = minute = rng.randrange(6 * 60, 22 * 60, 5)
    segments = []
    for leg in range(len(stops) - 1):
        if leg:
            minute += rng.randint(60, 180)
        block = rng.randrange(60, 660, 5)
        segments.append(
            {
                "rank": rank + leg,
                "from": stops[leg],
                "to": stops[leg + 1],
                "departureDate": ctx.clock.date(day + minute // 1440),
                "departureTime": _hhmm(minute),
                "arrivalDate": ctx.clock.date(day + (minute + block) // 1440),
                "arrivalTime": _hhmm(minute + block),
                "flightNumber": f"{rng.choice(CARRIERS)}{rng.randint(10, 9999)}",
                "inventory": {"totalSeats": rng.choice((0, 150, 180, 220, 300))},
                "status": status,
            }
        )
        minute += block
    elapsed = minute - start
    return {
        "from": origin,
        "to": destination,
        "departureDate": segments[0]["departureDate"],
        "departureTime": segments[0]["departureTime"],
        "arrivalDate": segments[-1]["arrivalDate"],
        "arrivalTime": segments[-1]["arrivalTime"],
        "duration": f"{elapsed // 60}h{elapsed % 60}m0s",
        "segments": segments,
        "inventory": {"totalSeats": 0},
        "status": status,
    }


def _prices(ctx: Ctx, n_passengers: int, segments: list[dict]) -> dict:
    rng = ctx.rng
    items, total = [], 0.0
    fees = [{"amount": round(rng.uniform(5, 60), 2), "type": fee} for fee in rng.sample(FEE_TYPES, 2)]
    fee_total = sum(f["amount"] for f in fees)
    for pax in range(n_passengers):
        for seg in segments:
            fare_class = rng.choice(FARE_CLASSES)
            base = round(rng.uniform(60, 450) * (4 if fare_class in "JF" else 1), 2)
            price = round(base + fee_total, 2)
            total += price
            items.append(
                {
                    "segmenRank": seg["rank"],
                    "passengerIndex": pax,
                    "fareClass": fare_class,
                    "price": {"total": price, "base": base, "fees": fees},
                }
            )
    return {"priceItems": items, "grandTotal": round(total, 2)}


def _payment(ctx: Ctx, booker: View) -> dict:
    rng = ctx.rng
    if rng.random() < 0.1:
        return {"paymentType": "voucher", "voucherID": ctx.ids.ancillary.next()}
    addresses = booker.addresses(rng)
    card = {
        "token": ctx.ids.card.next(),
        "cardType": rng.choice(("visa", "mastercard", "amex")),
        "cardExp": f"{rng.randint(1, 12):02d}/{rng.randint(25, 30)}",
        "cardCvv": "",
        "name": f"{booker.first} {booker.last}".upper() if rng.random() < 0.5 else f"{booker.first} {booker.last}",
    }
    if addresses:
        card["address"] = dict(addresses[0], type="billing")
    return {"paymentType": "credit_card", "ccInfo": card}


def _ancillaries(ctx: Ctx, segments: list[dict], n_passengers: int, currency: str) -> dict:
    rng = ctx.rng
    seats, bags, total = [], [], 0.0
    for seg in segments:
        if rng.random() < 0.15:
            amount = round(rng.uniform(10, 80), 2)
            total += amount
            seats.append(
                {
                    "id": ctx.ids.ancillary.next(),
                    "flightNumber": seg["flightNumber"],
                    "departureDate": seg["departureDate"],
                    "paxIndex": rng.randrange(n_passengers),
                    "seatNumber": f"{rng.randint(1, 40)}{rng.choice('ABCDEF')}",
                    "seatZone": rng.choice(("standard", "extra_legroom", "front")),
                    "price": {"serviceName": "seat", "amount": amount, "currency": currency, "total": amount},
                    "neighborFreeSeat": False,
                    "upgradeAuction": False,
                    "available": True,
                }
            )
        if rng.random() < 0.1:
            amount = round(rng.uniform(25, 70), 2)
            total += amount
            bags.append(
                {
                    "id": ctx.ids.ancillary.next(),
                    "flightNumber": seg["flightNumber"],
                    "departureDate": seg["departureDate"],
                    "paxIndex": rng.randrange(n_passengers),
                    "baggageType": "checked",
                    "quantity": 1,
                    "weight": 23.0,
                    "dimensions": {"length": 75, "width": 50, "height": 30},
                    "priorityBagDrop": False,
                    "priorityBagReturn": False,
                    "lostBagInsurance": rng.random() < 0.1,
                    "valuableBaggageInsurance": False,
                    "handsFreeBaggage": False,
                    "price": {"serviceName": "checked bag", "amount": amount, "currency": currency, "total": amount},
                    "maxAllowed": 2,
                }
            )
    services: dict = {"price": {"serviceName": "ancillaries", "currency": currency, "total": round(total, 2)}}
    if seats:
        services["ancillaryServiceSeat"] = seats
    if bags:
        services["ancillaryServiceBaggage"] = bags
    return services


def air_booking(ctx: Ctx, pnr: str, travellers: list[Traveller], day: int, version: int, status: str = "") -> dict:
    """One air booking updated on window ``day``; ``travellers[0]`` is the booker."""
    rng = ctx.rng
    booker = travellers[0].view
    origin = booker.person.household.airport if rng.random() < 0.8 else rng.choice(AIRPORTS)[0]
    destination = rng.choice([a[0] for a in AIRPORTS if a[0] != origin])
    status = status or rng.choice(AIR_STATUSES)
    departure = day + rng.randint(3, 120)
    outbound = _itinerary(ctx, origin, destination, departure, 0, status)
    segments = list(outbound["segments"])
    back = dict(_EMPTY_ITINERARY)
    if rng.random() < 0.7:
        back = _itinerary(ctx, destination, origin, departure + rng.randint(2, 14), len(segments), status)
        segments += back["segments"]
    updated = ctx.stamp(day)
    created = ctx.past(1, 120)
    passengers = [passenger(ctx, t.view, t.source_id, i == 0, updated, created) for i, t in enumerate(travellers)]
    currency = booker.person.pool.currency
    channel = rng.choice(BOOKING_CHANNELS)
    record = {
        "objectVersion": version,
        "modelVersion": MODEL_VERSION,
        "id": pnr,
        "lastUpdatedOn": updated,
        "createdOn": created,
        "lastUpdatedBy": ctx.agent() if channel in ("call-center", "travel-agency") else channel,
        "createdBy": ctx.agent() if channel in ("call-center", "travel-agency") else channel,
        "creationChannelId": channel,
        "lastUpdateChannelId": channel if version == 1 else rng.choice(BOOKING_CHANNELS),
        "price": _prices(ctx, len(passengers), segments),
        "itinerary": outbound,
        "return": back,
        "passengerInfo": {"passengers": passengers},
        "paymentInformation": _payment(ctx, booker),
        "ancillaryServices": _ancillaries(ctx, segments, len(passengers), currency),
        "email": booker.email,
        "phone": booker.phone,
        "dayOfTravelEmail": booker.email if rng.random() < 0.3 else "",
        "dayOfTravelPhone": booker.phone if rng.random() < 0.5 else "",
        "status": status,
    }
    if rng.random() < 0.4:
        record["externalIds"] = [{"id": ctx.ids.pnr.next(), "IdName": "gds_locator", "originatingSystem": "gds"}]
    if rng.random() < 0.05:
        record["promocode"] = f"SAVE{rng.randint(5, 30)}"
    return record
