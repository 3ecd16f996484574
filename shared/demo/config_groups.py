"""Nordhavn Bank's labels, competence groups (with a hierarchy), a service group per branch,
and its booking portal."""

from datetime import UTC, datetime, timedelta

from shared.context import Context
from shared.demo import bank, demo_id
from shared.demo.patience import patiently
from shared.errors import Conflict
from shared.models.common import MeetingType
from shared.models.groups import CompetenceGroupDoc, Membership, ServiceGroupDoc, ServiceTrigger
from shared.models.labels import Label
from shared.models.portals import AuthenticationType, FieldType, FieldValidation, Portal, PortalField
from shared.services import crud, groups, labels, portals

SINCE = datetime(2025, 1, 15, 10, 30, tzinfo=UTC)

LABELS = [
    Label(id=demo_id("label", name), label_name=name, color=color, description=description, first_seen=SINCE,
          last_updated=SINCE)
    for name, color, description in [
        ("Bolig", "#2E7D32", "Home buying and mortgages"),
        ("Pension", "#1565C0", "Pension and retirement"),
        ("Erhverv", "#6A1B9A", "Business customers"),
        ("Premium", "#FFD700", "Premium tier services"),
        ("Privat", "#00897B", "Private customers"),
    ]
]

_TOPIC = {t.name: t.id for t in bank.TOPICS}
_TYPE = {c.name: c.id for c in bank.CUSTOMER_TYPES}


def _members(*names: str) -> list[Membership]:
    return [Membership(employee_id=bank.employee_named(n).id, date_assigned=SINCE) for n in names]


def _group(key: str, name: str, advisors: list[str], topics: list[str], types: list[str], labels_: list[str],
           children: list[str] = ()) -> CompetenceGroupDoc:
    return CompetenceGroupDoc(id=demo_id("competenceGroup", key), name=name, memberships=_members(*advisors),
                              topic_ids=[_TOPIC[t] for t in topics], customer_type_ids=[_TYPE[c] for c in types],
                              child_group_ids=[demo_id("competenceGroup", c) for c in children], labels=labels_)


# Privatrådgivning is the parent of the mortgage and pension groups: their advisors also take
# everyday banking for private customers.
COMPETENCE_GROUPS = [
    _group("private", "Privatrådgivning",
           ["Camilla Andersen", "Mikkel Sørensen", "Anne Petersen", "Maria Thomsen", "Niels Johansen"],
           ["Dagligbank"], ["Privat", "Ung", "Private Banking"], ["Privat"], children=["mortgage", "pension"]),
    _group("mortgage", "Boligrådgivning",
           ["Mette Nielsen", "Lars Jensen", "Louise Rasmussen", "Henrik Olsen", "Katrine Poulsen"],
           ["Boliglån"], ["Privat", "Private Banking", "Ung"], ["Bolig", "Privat"]),
    _group("pension", "Pensionsrådgivning", ["Sofie Hansen", "Thomas Madsen", "Emma Møller"],
           ["Pension"], ["Privat", "Private Banking"], ["Pension"]),
    _group("investment", "Investeringsrådgivning", ["Anders Pedersen", "Julie Kristensen"],
           ["Investering"], ["Privat", "Private Banking", "Erhverv"], ["Premium"]),
    _group("private-banking", "Private Banking", ["Ida Larsen"],
           ["Boliglån", "Pension", "Investering"], ["Private Banking"], ["Premium"], children=["investment"]),
    _group("business", "Erhvervsrådgivning", ["Rasmus Christensen", "Jesper Jørgensen", "Søren Christiansen"],
           ["Erhvervslån", "Dagligbank"], ["Erhverv"], ["Erhverv"]),
    _group("credit-committee", "Kreditudvalg", ["Peter Mortensen"], ["Kreditgennemgang"], [], ["Erhverv"],
           children=["business"]),
]

_CAPS = {"CPH-HQ": timedelta(hours=5), "AAL": timedelta(hours=6)}
_SLUG = {"CPH-HQ": "kbh", "AAR": "aarhus", "ODE": "odense", "AAL": "aalborg"}

SERVICE_GROUPS = [
    ServiceGroupDoc(
        id=demo_id("serviceGroup", branch), name=f"Kundeservice {city}",
        membership_email=f"kundeservice.{_SLUG[branch]}@{bank.DOMAIN}",
        memberships=_members(*(e.name for e in bank.EMPLOYEES if e.location == branch and e.title != "Filialdirektør")),
        competence_group_ids=[demo_id("competenceGroup", "private")], labels=["Privat"],
        max_meeting_time_per_day=_CAPS.get(branch),
        service_trigger=ServiceTrigger(topic_ids=[_TOPIC["Dagligbank"]], customer_type_ids=[_TYPE["Privat"]],
                                       meeting_types=[MeetingType.PHYSICAL, MeetingType.ONLINE]),
    )
    for branch, city in bank.BRANCHES.items()
]

PORTAL = Portal(
    id=demo_id("portal", "booking"), name="Nordhavn Bank booking", location="CPH-HQ",
    authentication_type=AuthenticationType.MIT_ID, customer_type_id=_TYPE["Privat"], topic_id=_TOPIC["Boliglån"],
    logo_url="https://nordhavnbank.example/logo.png", logo_height=60,
    # The bank's colours on the booking page: each text colour with its background (docs/api-decisions.md).
    styling=".bm-button, .bm-button-link, .bm-slot:hover { color: #ffffff; background-color: #0B3D91; "
            "border-color: #0B3D91 }\n.bm-slot { color: #0B3D91; background-color: #ffffff; border-color: #0B3D91 }\n"
            "h1 { letter-spacing: 0.01em }",
    ical_enabled=True, labels=["Bolig", "Privat"], embed_origins=["https://www.nordhavnbank.example"],
    fields=[
        PortalField(id=demo_id("portalField", "phone"), name="phone", label="Telefonnummer", type=FieldType.PHONE,
                    placeholder="+45 12 34 56 78",
                    validation=FieldValidation(required=True, pattern=r"^\+?[0-9 ]{8,}$")),
        PortalField(id=demo_id("portalField", "email"), name="email", label="E-mail", type=FieldType.EMAIL,
                    placeholder="navn@eksempel.dk"),
        PortalField(id=demo_id("portalField", "campaign"), name="campaign", label="Kampagne", hidden=True),
    ],
)


# The booking page of business customers, who sign in with their Entra ID (Microsoft) accounts.
BUSINESS_PORTAL = Portal(
    id=demo_id("portal", "business"), name="Nordhavn Bank erhverv", location="CPH-HQ",
    authentication_type=AuthenticationType.AZURE_AD, customer_type_id=_TYPE["Erhverv"], topic_id=_TOPIC["Erhvervslån"],
    ical_enabled=True, labels=["Erhverv"],
    fields=[
        PortalField(id=demo_id("portalField", "company"), name="company", label="Virksomhed", type=FieldType.TEXT,
                    validation=FieldValidation(required=True)),
        PortalField(id=demo_id("portalField", "business-email"), name="email", label="E-mail", type=FieldType.EMAIL,
                    validation=FieldValidation(required=True)),
    ],
)


async def load_config_groups(ctx: Context) -> None:
    """Upsert the demo labels, groups and portal (stable ids: reloading updates)."""
    for label in LABELS:
        try:
            await patiently(lambda: crud.upsert(labels.labels(ctx), label, "label"))  # noqa: B023
        except Conflict:
            pass  # the bank registered that name itself since; keep theirs
    for group in COMPETENCE_GROUPS:
        await patiently(lambda: crud.upsert(groups.competence_groups(ctx), group, "competence group"))  # noqa: B023
    for service_group in SERVICE_GROUPS:
        await patiently(lambda: crud.upsert(groups.service_groups(ctx), service_group, "service group"))  # noqa: B023
    for portal in (PORTAL, BUSINESS_PORTAL):
        await patiently(lambda: crud.upsert(portals.portals(ctx), portal, "portal"))  # noqa: B023
