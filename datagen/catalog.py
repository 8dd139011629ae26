"""Fixed travel vocabulary: airports, hotels, products, currencies, nicknames, web events.

Kept as plain constants (not drawn from Faker) so the travel side of the data stays stable when Faker's
own word lists change between versions, and so values pass UPT's single-line rules by construction.
"""

from __future__ import annotations

# Faker locale, country code, country name, language code, language name, phone country code, currency, weight.
LOCALES: tuple[tuple[str, str, str, str, str, int, str, int], ...] = (
    ("en_US", "US", "United States", "en", "English", 1, "USD", 50),
    ("en_GB", "GB", "United Kingdom", "en", "English", 44, "GBP", 12),
    ("fr_FR", "FR", "France", "fr", "French", 33, "EUR", 10),
    ("de_DE", "DE", "Germany", "de", "German", 49, "EUR", 10),
    ("es_ES", "ES", "Spain", "es", "Spanish", 34, "EUR", 10),
    ("it_IT", "IT", "Italy", "it", "Italian", 39, "EUR", 8),
)

US_STATES: tuple[tuple[str, str], ...] = (
    ("CA", "California"),
    ("NY", "New York"),
    ("TX", "Texas"),
    ("FL", "Florida"),
    ("IL", "Illinois"),
    ("WA", "Washington"),
    ("MA", "Massachusetts"),
    ("CO", "Colorado"),
    ("GA", "Georgia"),
    ("AZ", "Arizona"),
    ("OR", "Oregon"),
    ("NV", "Nevada"),
)

CURRENCIES: dict[str, str] = {
    "USD": "US Dollar",
    "EUR": "Euro",
    "GBP": "Pound Sterling",
    "JPY": "Yen",
    "CAD": "Canadian Dollar",
    "AUD": "Australian Dollar",
    "SGD": "Singapore Dollar",
    "AED": "UAE Dirham",
}

# IATA code, city, currency used by hotels there.
AIRPORTS: tuple[tuple[str, str, str], ...] = (
    ("JFK", "New York", "USD"),
    ("LAX", "Los Angeles", "USD"),
    ("SFO", "San Francisco", "USD"),
    ("ORD", "Chicago", "USD"),
    ("SEA", "Seattle", "USD"),
    ("BOS", "Boston", "USD"),
    ("MIA", "Miami", "USD"),
    ("DEN", "Denver", "USD"),
    ("ATL", "Atlanta", "USD"),
    ("LAS", "Las Vegas", "USD"),
    ("YYZ", "Toronto", "CAD"),
    ("LHR", "London", "GBP"),
    ("MAN", "Manchester", "GBP"),
    ("CDG", "Paris", "EUR"),
    ("NCE", "Nice", "EUR"),
    ("FRA", "Frankfurt", "EUR"),
    ("MUC", "Munich", "EUR"),
    ("MAD", "Madrid", "EUR"),
    ("BCN", "Barcelona", "EUR"),
    ("FCO", "Rome", "EUR"),
    ("AMS", "Amsterdam", "EUR"),
    ("LIS", "Lisbon", "EUR"),
    ("DXB", "Dubai", "AED"),
    ("SIN", "Singapore", "SGD"),
    ("NRT", "Tokyo", "JPY"),
    ("SYD", "Sydney", "AUD"),
)

# Airports people fly from, by home country.
HOME_AIRPORTS: dict[str, tuple[str, ...]] = {
    "US": ("JFK", "LAX", "SFO", "ORD", "SEA", "BOS", "MIA", "DEN", "ATL", "LAS"),
    "GB": ("LHR", "LHR", "MAN"),
    "FR": ("CDG", "CDG", "NCE"),
    "DE": ("FRA", "MUC"),
    "ES": ("MAD", "BCN"),
    "IT": ("FCO",),
}

# Connecting airports for two-segment itineraries.
HUBS: tuple[str, ...] = ("ORD", "ATL", "LHR", "FRA", "AMS", "CDG", "MAD", "DXB")

CARRIERS: tuple[str, ...] = ("UX", "QV", "NB", "TK", "LR", "VY", "EQ", "ZA")

FARE_CLASSES: tuple[str, ...] = ("Y", "Y", "Y", "B", "M", "H", "W", "J", "F")

FEE_TYPES: tuple[str, ...] = ("AIRPORT CHARGE", "SECURITY FEE", "FUEL SURCHARGE", "SEGMENT TAX")

BOOKING_CHANNELS: tuple[str, ...] = ("web", "web", "mobile", "mobile", "call-center", "travel-agency", "ota-partner")

AIR_STATUSES: tuple[str, ...] = ("confirmed", "confirmed", "confirmed", "ticketed", "tentative", "cancelled")

HOTEL_STATUSES: tuple[str, ...] = ("confirmed", "confirmed", "confirmed", "confirmed", "waitlisted", "cancelled")

BRANDS: tuple[str, ...] = ("", "", "HARBOR", "SUMMIT", "MERIDIAN")

# code, name, description
ROOM_TYPES: tuple[tuple[str, str, str], ...] = (
    ("STD", "Standard room", "Queen bed, city view"),
    ("DBL", "Double room", "Two double beds"),
    ("KNG", "King room", "King bed and work desk"),
    ("FAM", "Family room", "Two queen beds and a sofa bed"),
    ("STE", "Suite", "Separate living room and bedroom"),
)

RATE_PLANS: tuple[tuple[str, str, str], ...] = (
    ("BAR", "Best available rate", "Flexible rate, free cancellation"),
    ("ADV", "Advance purchase", "Prepaid, non refundable"),
    ("MBR", "Member rate", "Discount for loyalty members"),
    ("PKG", "Breakfast package", "Rate including breakfast for two"),
    ("CORP", "Corporate rate", "Negotiated company rate"),
)

ROOM_ATTRIBUTES: tuple[tuple[str, str, str], ...] = (
    ("VIEW", "Sea view", "Room facing the water"),
    ("HIGH", "High floor", "Floor 10 or above"),
    ("ACC", "Accessible", "Step-free room and bathroom"),
    ("BALC", "Balcony", "Private balcony"),
    ("QUIET", "Quiet side", "Away from elevators and street"),
)

ADD_ONS: tuple[tuple[str, str, str], ...] = (
    ("BKF", "Breakfast", "Buffet breakfast per guest"),
    ("PARK", "Parking", "Valet parking per night"),
    ("SPA", "Spa access", "Day pass to the spa"),
    ("LATE", "Late checkout", "Checkout at 2 pm"),
    ("TRF", "Airport transfer", "One way car transfer"),
)

# Extra charges on a stay folio: type, description, low, high.
FOLIO_EXTRAS: tuple[tuple[str, str, float, float], ...] = (
    ("Restaurant", "Dinner at the hotel restaurant", 25.0, 180.0),
    ("Bar", "Bar tab", 8.0, 90.0),
    ("Minibar", "Minibar consumption", 4.0, 45.0),
    ("Spa", "Spa treatment", 60.0, 220.0),
    ("Parking", "Parking", 15.0, 45.0),
    ("Laundry", "Laundry service", 10.0, 60.0),
)

LOYALTY_LEVELS: tuple[str, ...] = ("blue", "blue", "silver", "silver", "gold", "platinum")

SEAT_PREFERENCES: tuple[str, ...] = ("aisle", "window", "", "")

MEAL_PREFERENCES: tuple[str, ...] = ("", "", "vegetarian", "vegan", "kosher", "halal", "gluten_free")

# Common English given names and the short forms people book under.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "William": ("Bill", "Will", "Billy"),
    "Robert": ("Bob", "Rob", "Bobby"),
    "Richard": ("Rick", "Dick", "Rich"),
    "James": ("Jim", "Jimmy", "Jamie"),
    "John": ("Jack", "Johnny"),
    "Michael": ("Mike", "Mikey"),
    "Thomas": ("Tom", "Tommy"),
    "Christopher": ("Chris",),
    "Daniel": ("Dan", "Danny"),
    "Matthew": ("Matt",),
    "Anthony": ("Tony",),
    "Joseph": ("Joe", "Joey"),
    "Charles": ("Charlie", "Chuck"),
    "David": ("Dave",),
    "Steven": ("Steve",),
    "Stephen": ("Steve",),
    "Edward": ("Ed", "Ted", "Eddie"),
    "Benjamin": ("Ben",),
    "Nicholas": ("Nick",),
    "Alexander": ("Alex",),
    "Andrew": ("Andy", "Drew"),
    "Jonathan": ("Jon",),
    "Timothy": ("Tim",),
    "Gregory": ("Greg",),
    "Jeffrey": ("Jeff",),
    "Samuel": ("Sam",),
    "Patrick": ("Pat",),
    "Elizabeth": ("Liz", "Beth", "Betty", "Eliza"),
    "Jennifer": ("Jen", "Jenny"),
    "Katherine": ("Kate", "Kathy", "Katie"),
    "Catherine": ("Cathy", "Kate"),
    "Margaret": ("Maggie", "Meg", "Peggy"),
    "Patricia": ("Pat", "Patty", "Trish"),
    "Rebecca": ("Becky", "Becca"),
    "Susan": ("Sue", "Susie"),
    "Deborah": ("Deb", "Debbie"),
    "Jessica": ("Jess",),
    "Victoria": ("Vicky", "Tori"),
    "Christina": ("Chris", "Tina"),
    "Samantha": ("Sam",),
    "Alexandra": ("Alex", "Sasha"),
    "Kimberly": ("Kim",),
    "Abigail": ("Abby",),
    "Francisco": ("Paco", "Pancho"),
    "Jose": ("Pepe",),
    "Giuseppe": ("Beppe", "Peppe"),
    "Johannes": ("Hans",),
    "Wolfgang": ("Wolf",),
    "Guillaume": ("Guy",),
}

# Exact duplicates of very common full names: different people who look the same.
COMMON_NAMES: tuple[tuple[str, str, str], ...] = (
    ("male", "James", "Smith"),
    ("male", "John", "Smith"),
    ("female", "Mary", "Johnson"),
    ("male", "Michael", "Brown"),
    ("female", "Maria", "Garcia"),
    ("male", "David", "Miller"),
    ("female", "Jennifer", "Jones"),
    ("male", "Robert", "Williams"),
)

HONORIFICS: dict[str, tuple[str, ...]] = {
    "female": ("Ms", "Mrs", "Miss", "Dr", ""),
    "male": ("Mr", "Mr", "Dr", ""),
    "other": ("Mx", ""),
}

PRONOUNS: dict[str, str] = {"female": "she", "male": "he", "other": "they"}

PERSONAL_EMAIL_DOMAINS: tuple[str, ...] = (
    "example.com",
    "example.net",
    "example.org",
    "mail.example.com",
    "inbox.example.net",
    "post.example.org",
)

USER_AGENTS: tuple[str, ...] = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "travelapp-ios/5.12.0 CFNetwork/1474 Darwin/23.0.0",
    "travelapp-android/5.11.3 okhttp/4.12.0",
)

# Clickstream funnels built from the event names of the UPT guide ("Web and mobile events").
AIR_FUNNEL: tuple[str, ...] = (
    "start_session",
    "select_origin",
    "search_destination",
    "select_start_date",
    "select_end_date",
    "select_n_traveller",
    "search_flight",
    "view_product",
    "select_product",
    "start_booking",
    "search_add_on",
    "select_add_on",
    "confirm_booking",
)
HOTEL_FUNNEL: tuple[str, ...] = (
    "start_session",
    "search_destination",
    "select_destination",
    "select_start_date",
    "select_n_nights",
    "select_n_rooms",
    "search_multi_availability",
    "search_single_availability",
    "view_product",
    "select_product",
    "start_booking",
    "confirm_booking",
)
EXPERIENCE_FUNNEL: tuple[str, ...] = (
    "start_session",
    "search_experience",
    "select_experience",
    "view_product",
    "view_add_on",
    "regret",
)
MANAGE_FUNNEL: tuple[str, ...] = (
    "start_session",
    "login",
    "search_booking",
    "retrieve_booking",
    "view_add_on",
    "select_add_on",
    "update_booking",
    "logout",
)
CANCEL_FUNNEL: tuple[str, ...] = ("start_session", "login", "retrieve_booking", "cancel_booking", "logout")

CSI_CHANNELS: tuple[tuple[str, str], ...] = (
    ("voice", "Customer service call"),
    ("voice", "Customer service call"),
    ("chat", "Web chat"),
    ("chat", "Web chat"),
    ("email", "Email"),
    ("sms", "SMS"),
)

CSI_TOPICS: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "booking_change",
        "Change of travel dates",
        ("I need to move my trip {ref} to a later date.", "Can I change the date on booking {ref}?"),
        ("I can move booking {ref}; there is a fare difference.", "The new date is confirmed on {ref}."),
    ),
    (
        "refund",
        "Refund request",
        ("I cancelled booking {ref} and have not received my refund.", "Where is the refund for {ref}?"),
        ("The refund for {ref} was issued and takes five to seven days.", "I escalated the refund for {ref}."),
    ),
    (
        "loyalty",
        "Missing loyalty points",
        ("My points for {ref} never showed up in my account.", "Points are missing for my last trip {ref}."),
        ("I added the missing points for {ref}.", "Points for {ref} will post within 48 hours."),
    ),
    (
        "baggage",
        "Delayed baggage",
        ("My bag did not arrive with flight {ref}.", "I am still waiting for my suitcase from {ref}."),
        ("Your bag from {ref} is located and will be delivered tonight.", "I opened a baggage claim for {ref}."),
    ),
    (
        "special_request",
        "Special request",
        ("Can you add a crib to reservation {ref}?", "We would like adjoining rooms for {ref}."),
        ("The request is noted on {ref}.", "I added that to {ref}; the hotel will confirm at check-in."),
    ),
)

CSI_SENTIMENTS: tuple[str, ...] = ("POSITIVE", "NEUTRAL", "NEUTRAL", "NEGATIVE", "MIXED")
