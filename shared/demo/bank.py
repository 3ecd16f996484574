"""Nordhavn Bank: four Danish branches, their rooms and advisors, topics and customer types."""

from datetime import timedelta

from shared.demo import demo_id
from shared.models.directory import CustomerType, Employee, MeetingTopic, Room

DOMAIN = "nordhavnbank.example"

BRANCHES = {
    "CPH-HQ": "København",
    "AAR": "Aarhus",
    "ODE": "Odense",
    "AAL": "Aalborg",
}

CUSTOMER_TYPES = [
    CustomerType(id=demo_id("customerType", "private"), name="Privat", description="Private customers"),
    CustomerType(id=demo_id("customerType", "business"), name="Erhverv", description="Small and medium businesses"),
    CustomerType(id=demo_id("customerType", "private-banking"), name="Private Banking",
                 description="Customers with large assets"),
    CustomerType(id=demo_id("customerType", "youth"), name="Ung", description="Customers under 28"),
]
_CT = {c.name: c.id for c in CUSTOMER_TYPES}

TOPICS = [
    MeetingTopic(id=demo_id("topic", "mortgage"), name="Boliglån", description="Buying a home or refinancing",
                 customer_type_ids=[_CT["Privat"], _CT["Private Banking"], _CT["Ung"]],
                 meeting_duration=timedelta(hours=1)),
    MeetingTopic(id=demo_id("topic", "pension"), name="Pension", description="Pension and retirement savings",
                 customer_type_ids=[_CT["Privat"], _CT["Private Banking"]], meeting_duration=timedelta(hours=1)),
    MeetingTopic(id=demo_id("topic", "investment"), name="Investering", description="Investing and securities",
                 customer_type_ids=[], meeting_duration=timedelta(hours=1)),
    MeetingTopic(id=demo_id("topic", "everyday"), name="Dagligbank", description="Accounts, cards and payments",
                 customer_type_ids=[], meeting_duration=timedelta(minutes=30)),
    MeetingTopic(id=demo_id("topic", "business-loan"), name="Erhvervslån", description="Loans and credit for companies",
                 customer_type_ids=[_CT["Erhverv"]], meeting_duration=timedelta(hours=1, minutes=30)),
    MeetingTopic(id=demo_id("topic", "internal-review"), name="Kreditgennemgang",
                 description="Internal credit review between advisors", is_available_to_customers=False,
                 meeting_duration=timedelta(hours=1)),
]

ROOMS = [
    Room(id=demo_id("room", slug), name=name, capacity=capacity, location=location, features=features)
    for slug, name, capacity, location, features in [
        ("cph-havnen", "Havnen", 6, "CPH-HQ", ["Screen", "Video"]),
        ("cph-nyhavn", "Nyhavn", 4, "CPH-HQ", ["Screen"]),
        ("cph-langelinie", "Langelinie", 10, "CPH-HQ", ["Screen", "Video", "Whiteboard"]),
        ("aar-aaen", "Åen", 4, "AAR", ["Screen"]),
        ("aar-marselisborg", "Marselisborg", 8, "AAR", ["Video"]),
        ("ode-munke", "Munke Mose", 4, "ODE", ["Screen"]),
        ("aal-limfjorden", "Limfjorden", 6, "AAL", ["Screen", "Video"]),
    ]
]

_ADVISORS = [
    ("Mette Nielsen", "Senior boligrådgiver", "CPH-HQ"),
    ("Lars Jensen", "Boligrådgiver", "CPH-HQ"),
    ("Sofie Hansen", "Pensionsrådgiver", "CPH-HQ"),
    ("Anders Pedersen", "Investeringsrådgiver", "CPH-HQ"),
    ("Camilla Andersen", "Privatrådgiver", "CPH-HQ"),
    ("Rasmus Christensen", "Erhvervsrådgiver", "CPH-HQ"),
    ("Ida Larsen", "Private Banking-rådgiver", "CPH-HQ"),
    ("Mikkel Sørensen", "Privatrådgiver", "CPH-HQ"),
    ("Louise Rasmussen", "Boligrådgiver", "AAR"),
    ("Jesper Jørgensen", "Erhvervsrådgiver", "AAR"),
    ("Anne Petersen", "Privatrådgiver", "AAR"),
    ("Thomas Madsen", "Pensionsrådgiver", "AAR"),
    ("Julie Kristensen", "Investeringsrådgiver", "AAR"),
    ("Henrik Olsen", "Boligrådgiver", "ODE"),
    ("Maria Thomsen", "Privatrådgiver", "ODE"),
    ("Søren Christiansen", "Erhvervsrådgiver", "ODE"),
    ("Katrine Poulsen", "Boligrådgiver", "AAL"),
    ("Niels Johansen", "Privatrådgiver", "AAL"),
    ("Emma Møller", "Pensionsrådgiver", "AAL"),
    ("Peter Mortensen", "Filialdirektør", "AAL"),
]


def _email(name: str) -> str:
    local = name.lower().replace(" ", ".")
    for danish, ascii_ in (("æ", "ae"), ("ø", "oe"), ("å", "aa")):
        local = local.replace(danish, ascii_)
    return f"{local}@{DOMAIN}"


EMPLOYEES = [
    Employee(id=demo_id("employee", _email(name)), name=name, email=_email(name), title=title, location=branch)
    for name, title, branch in _ADVISORS
]


def employee_named(name: str) -> Employee:
    return next(e for e in EMPLOYEES if e.name == name)
