"""Digital touchpoints: clickstream sessions (one line per event) and customer-service interactions.

Most web sessions are anonymous; only logins and confirmed bookings carry the customer's email, name or
loyalty id, which is what lets identity resolution tie a session to a profile at all.
"""

from __future__ import annotations

from datagen.catalog import (
    AIR_FUNNEL,
    AIRPORTS,
    CANCEL_FUNNEL,
    CSI_CHANNELS,
    CSI_SENTIMENTS,
    CSI_TOPICS,
    EXPERIENCE_FUNNEL,
    FARE_CLASSES,
    HOTEL_FUNNEL,
    MANAGE_FUNNEL,
    RATE_PLANS,
    ROOM_TYPES,
    USER_AGENTS,
)
from datagen.context import Ctx
from datagen.ids import uuid_like
from datagen.noise import View

_FUNNELS = (AIR_FUNNEL, HOTEL_FUNNEL, EXPERIENCE_FUNNEL, MANAGE_FUNNEL, CANCEL_FUNNEL)
_FUNNEL_WEIGHTS = (30, 30, 15, 15, 10)
_PAGES = {
    "start_session": ("Home", "/"),
    "login": ("Login", "/account/login"),
    "logout": ("Logout", "/account/logout"),
    "search_flight": ("FlightSearch", "/flights/search"),
    "search_destination": ("Search", "/search"),
    "search_multi_availability": ("HotelResults", "/hotels/results"),
    "search_single_availability": ("HotelDetail", "/hotels/detail"),
    "view_product": ("Product", "/product"),
    "start_booking": ("Checkout", "/checkout"),
    "confirm_booking": ("Confirmation", "/checkout/confirmation"),
    "retrieve_booking": ("MyTrips", "/account/trips"),
    "search_booking": ("MyTrips", "/account/trips"),
    "update_booking": ("ManageBooking", "/account/trips/manage"),
    "cancel_booking": ("CancelBooking", "/account/trips/cancel"),
}


def _s(name: str, value: str) -> dict:
    return {"type": "string", "name": name, "stringValue": value}


def _n(name: str, value: float) -> dict:
    return {"type": "number", "name": name, "numValue": value}


def _ss(name: str, values: list[str]) -> dict:
    return {"type": "strings", "name": name, "stringValues": values}


def _identity_attributes(ctx: Ctx, v: View, full: bool) -> list[dict]:
    """What a logged-in or paying customer leaves in the event: email, names, sometimes phone and loyalty."""
    rng, p = ctx.rng, v.person
    attrs = []
    if v.email:
        attrs.append(_s("customer_email", v.email))
    if full:
        attrs.append(_s("customer_first_name", v.first))
        attrs.append(_s("customer_last_name", v.last))
        if v.phone and rng.random() < 0.5:
            attrs.append(_s("customer_phone", v.phone))
        if v.dob and rng.random() < 0.2:
            attrs.append(_s("customer_birthdate", f"{v.dob}T00:00:00"))
        attrs.append(_s("customer_country", p.household.pool.country))
    loyalty = p.ff_number or p.hotel_loyalty
    if loyalty and rng.random() < 0.5:
        attrs.append(_s("loyalty_id", loyalty))
    return attrs


def clickstream_session(ctx: Ctx, v: View, session_id: str, day: int, booking_ids: list[str]) -> list[dict]:
    """The events of one web or app session on window ``day`` (the funnel is often abandoned early)."""
    rng = ctx.rng
    funnel = rng.choices(_FUNNELS, weights=_FUNNEL_WEIGHTS)[0]
    # Most shoppers abandon early: the shorter of two random funnel depths.
    n = len(funnel)
    length = n if funnel in (MANAGE_FUNNEL, CANCEL_FUNNEL) else min(rng.randint(2, n), rng.randint(2, n))
    origin = v.person.household.airport
    destination = rng.choice([a[0] for a in AIRPORTS if a[0] != origin])
    start_date, nights = ctx.clock.date(day + rng.randint(5, 120)), rng.randint(1, 7)
    end_date = ctx.clock.date(day + 5 + nights)
    booking_id = rng.choice(booking_ids) if booking_ids and rng.random() < 0.7 else ctx.ids.pnr.next()
    hotel = f"{destination}{rng.randint(1, 12):02d}"
    client = {"id": uuid_like(rng)}
    device = {
        "useragent": rng.choice(USER_AGENTS),
        "ipAddress": f"{rng.randint(11, 223)}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
    }
    application = {"id": "travel-app" if "app" in device["useragent"] else "travel-web"}
    second = rng.randint(0, 22 * 3600)
    events = []
    for event_type in funnel[:length]:
        second += rng.randint(3, 240)
        micros = rng.randrange(1_000_000)
        attrs = _event_attributes(ctx, v, event_type, funnel, origin, destination, start_date, end_date, nights)
        if event_type in ("retrieve_booking", "search_booking", "update_booking", "cancel_booking", "confirm_booking"):
            attrs.append(_s("booking_id", booking_id))
        if event_type == "login":
            attrs += _identity_attributes(ctx, v, full=False)
        elif event_type == "confirm_booking":
            attrs += _identity_attributes(ctx, v, full=True)
            attrs.append(_s("transaction_id", ctx.ids.transaction.next()))
        if funnel is HOTEL_FUNNEL and event_type in ("view_product", "select_product"):
            attrs.append(_s("hotel_code", hotel))
        page = _PAGES.get(event_type)
        if page:
            attrs.append(_s("page_name", page[0]))
            attrs.append(_s("url", f"https://www.example.com{page[1]}"))
        events.append(
            {
                "modelVersion": "1.0",
                "event_type": event_type,
                "event_timestamp": ctx.clock.timestamp(day, second, micros),
                "arrival_timestamp": ctx.clock.timestamp(day, second + rng.randint(1, 4), micros),
                "event_version": "1.0",
                "application": application,
                "client": client,
                "device": device,
                "session": {"id": session_id},
                "attributes": attrs,
                "endpoint": {},
            }
        )
    return events


def _event_attributes(
    ctx: Ctx,
    v: View,
    event: str,
    funnel: tuple[str, ...],
    origin: str,
    destination: str,
    start: str,
    end: str,
    nights: int,
) -> list[dict]:
    rng = ctx.rng
    air = funnel is AIR_FUNNEL
    if event == "start_session":
        return [_s("language_code", f"{v.person.pool.language}-{v.person.pool.country}")]
    if event == "select_origin":
        return [_s("origin", origin)]
    if event in ("search_destination", "select_destination", "search_experience"):
        return [_s("destination", destination)]
    if event == "select_start_date":
        return [_s("origin_date" if air else "checkin_date", start)]
    if event == "select_end_date":
        return [_s("returning_date", end)]
    if event == "select_n_traveller":
        return [_n("num_Pax_Adults", float(rng.randint(1, 3))), _n("total_passengers", float(rng.randint(1, 4)))]
    if event == "select_n_nights":
        return [_n("num_nights", float(nights))]
    if event == "search_flight":
        return [
            _s("origin_flight_route", f"{origin}-{destination}"),
            _s("returning_flight_route", f"{destination}-{origin}"),
            _s("origin_date", start),
            _s("returning_date", end),
            _s("flight_type", rng.choice(("Round Trip", "One Way"))),
        ]
    if event in ("search_multi_availability", "search_single_availability"):
        return [
            _s("checkin_date", start),
            _s("checkout_date", end),
            _n("num_nights", float(nights)),
            _n("num_guest_adults", float(rng.randint(1, 3))),
            _s("destination", destination),
        ]
    if event in ("view_product", "select_product"):
        if air:
            return [
                _s("fare_class", rng.choice(FARE_CLASSES)),
                _ss("flight_segment_sku", [f"UX {rng.randint(10, 9999)}"]),
            ]
        return [_s("room_type", rng.choice(ROOM_TYPES)[0]), _s("rate_plan", rng.choice(RATE_PLANS)[0])]
    if event in ("select_add_on", "view_add_on"):
        return [_ss("products", [rng.choice(("BAG", "SEAT", "MEAL", "BKF", "TRF"))])]
    if event == "start_booking":
        return [_s("ecommerce_action", "Booking Flow"), _s("currency", v.person.pool.currency)]
    return []


def customer_service(ctx: Ctx, v: View, session_id: str, day: int, booking_ids: list[str]) -> dict:
    """One contact-centre interaction (call, chat, email or SMS) that ended on window ``day``."""
    rng, p = ctx.rng, v.person
    channel, interaction = rng.choice(CSI_CHANNELS)
    category, subject, customer_lines, agent_lines = rng.choice(CSI_TOPICS)
    ref = rng.choice(booking_ids) if booking_ids and rng.random() < 0.8 else ctx.ids.pnr.next()
    start = rng.randint(7 * 3600, 21 * 3600)
    micros = rng.randrange(1_000_000)
    conversation, offset = [], 0
    speakers = ("customer", "bot" if channel == "chat" and rng.random() < 0.5 else "agent")
    for turn in range(rng.randint(2, 8)):
        speaker = speakers[turn % 2]
        text = rng.choice(customer_lines if speaker == "customer" else agent_lines).format(ref=ref)
        if rng.random() < 0.4:
            text = f"{text} {rng.choice(ctx.pools.sentences)}"
        took = rng.randint(5, 90)
        conversation.append(
            {
                "from": speaker,
                "to": speakers[(turn + 1) % 2],
                "content": text,
                "startTime": ctx.clock.timestamp(day, start + offset, micros),
                "endTime": ctx.clock.timestamp(day, start + offset + took, micros),
                "sentiment": rng.choice(CSI_SENTIMENTS),
            }
        )
        offset += took + rng.randint(1, 30)
    record = {
        "objectVersion": 1,
        "modelVersion": "1.0",
        "sessionId": session_id,
        "channel": channel,
        "loyaltyId": (p.ff_number or p.hotel_loyalty) if rng.random() < 0.6 else "",
        "firstName": v.first,
        "lastName": v.last if rng.random() < 0.9 else "",
        "email": v.email if channel != "voice" or rng.random() < 0.3 else "",
        "phoneNumber": v.phone if channel in ("voice", "sms") else "",
        "relatedBookingId": ref,
        "startTime": ctx.clock.timestamp(day, start, micros),
        "interactionType": interaction,
        "conversation": conversation,
        "endTime": ctx.clock.timestamp(day, start + offset, micros),
        "duration": offset,
        "status": rng.choice(("completed", "completed", "completed", "open", "transferred")),
        "language": {"code": p.pool.language, "name": p.pool.language_name},
        "overallSentimentAgent": round(rng.uniform(0.0, 1.0), 2),
        "overallSentimentCustomer": round(rng.uniform(-1.0, 1.0), 2),
        "summary": f"{subject} for booking {ref}.",
        "category": category,
        "subject": subject,
    }
    if channel == "voice":
        record["talkTime"] = int(offset * 0.8)
        record["nonTalkTime"] = offset - int(offset * 0.8)
        record["interruptions"] = rng.randint(0, 4)
    return record
