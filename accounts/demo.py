"""Demo data: fictional authorities, areas and an account for every role. Deterministic and
idempotent: running it again changes nothing (names, roles and passwords are put back as listed).

Later features add their own demo data (rounds, assessments, ...) on top: write a function
``seed(data: DemoData, stdout) -> None`` in your app and list its dotted path in
``settings.PORTAL_DEMO_SEEDERS``; ``manage.py seed_demo`` calls each after this module's
:func:`seed`, in order, with the authorities, areas and accounts created here.

The authorities are invented: no real council has these names, and their codes start with "X",
which ONS never uses (real GSS codes for English authorities start with "E"). ``load_authorities``
never touches them (``is_demo``).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction

from .models import (
    Area,
    AreaAssignment,
    Authority,
    AuthorityKind,
    Membership,
    MembershipRole,
    Region,
    Role,
    User,
)

EMAIL_DOMAIN = "example.org"  # reserved for documentation (RFC 2606): mail goes nowhere

# (name, code, kind, region, area name)
AUTHORITIES: tuple[tuple[str, str, str, str, str], ...] = (
    # County councils
    ("Mardleshire", "X10990001", AuthorityKind.COUNTY, Region.EAST_MIDLANDS, "Midlands and East"),
    ("Brackenshire", "X10990002", AuthorityKind.COUNTY, Region.NORTH_WEST, "North"),
    ("Eastholm", "X10990003", AuthorityKind.COUNTY, Region.EAST_OF_ENGLAND, "Midlands and East"),
    ("Corvenshire", "X10990004", AuthorityKind.COUNTY, Region.SOUTH_WEST, "South"),
    ("Hollinshire", "X10990005", AuthorityKind.COUNTY, Region.WEST_MIDLANDS, "Midlands and East"),
    ("Wealdmarsh", "X10990006", AuthorityKind.COUNTY, Region.SOUTH_EAST, "South"),
    # Unitary authorities
    ("Ashcombe Vale", "X06990001", AuthorityKind.UNITARY, Region.SOUTH_WEST, "South"),
    ("Kestrel Bay", "X06990002", AuthorityKind.UNITARY, Region.NORTH_EAST, "North"),
    ("Fenmarch", "X06990003", AuthorityKind.UNITARY, Region.EAST_OF_ENGLAND, "Midlands and East"),
    ("Larkhaven", "X06990004", AuthorityKind.UNITARY, Region.SOUTH_EAST, "South"),
    ("Oakhollow", "X06990005", AuthorityKind.UNITARY, Region.EAST_MIDLANDS, "Midlands and East"),
    (
        "Rivenmead",
        "X06990006",
        AuthorityKind.UNITARY,
        Region.YORKSHIRE_AND_THE_HUMBER,
        "North",
    ),
    # Metropolitan boroughs
    (
        "Irongate",
        "X08990001",
        AuthorityKind.METROPOLITAN_BOROUGH,
        Region.WEST_MIDLANDS,
        "Midlands and East",
    ),  # noqa: E501
    (
        "Grimsthwaite",
        "X08990002",
        AuthorityKind.METROPOLITAN_BOROUGH,
        Region.YORKSHIRE_AND_THE_HUMBER,
        "North",
    ),  # noqa: E501
    ("Tarnford", "X08990003", AuthorityKind.METROPOLITAN_BOROUGH, Region.NORTH_WEST, "North"),
    ("Hexleigh", "X08990004", AuthorityKind.METROPOLITAN_BOROUGH, Region.NORTH_EAST, "North"),
    ("Caddersby", "X08990005", AuthorityKind.METROPOLITAN_BOROUGH, Region.NORTH_WEST, "North"),
    (
        "Sootley",
        "X08990006",
        AuthorityKind.METROPOLITAN_BOROUGH,
        Region.WEST_MIDLANDS,
        "Midlands and East",
    ),  # noqa: E501
    # London boroughs
    ("Thamesreach", "X09990001", AuthorityKind.LONDON_BOROUGH, Region.LONDON, "London"),
    ("Kingsmere", "X09990002", AuthorityKind.LONDON_BOROUGH, Region.LONDON, "London"),
    ("Wyvern Green", "X09990003", AuthorityKind.LONDON_BOROUGH, Region.LONDON, "London"),
    ("Elmshaw", "X09990004", AuthorityKind.LONDON_BOROUGH, Region.LONDON, "London"),
    ("Bellingford", "X09990005", AuthorityKind.LONDON_BOROUGH, Region.LONDON, "London"),
    ("Norbridge Fields", "X09990006", AuthorityKind.LONDON_BOROUGH, Region.LONDON, "London"),
    # Other
    ("Isle of Kell", "X06990007", AuthorityKind.OTHER, Region.SOUTH_WEST, "South"),
    ("Saltings", "X09990007", AuthorityKind.OTHER, Region.LONDON, "London"),
)

AREAS: tuple[tuple[str, str], ...] = (
    ("North", "Fictional demo area: authorities in the North East, North West and Yorkshire."),
    ("Midlands and East", "Fictional demo area: the Midlands and the East of England."),
    ("South", "Fictional demo area: the South East and South West."),
    ("London", "Fictional demo area: London boroughs."),
)
AREA_SUFFIX = " (demo)"

# Authorities with a lead, an officer and a viewer each.
STAFFED = ("Mardleshire", "Ashcombe Vale", "Irongate", "Thamesreach")

# (email local part, full name, [(role, authority or area name)])
PEOPLE: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("national.admin", "Nadia Admin", ((Role.NATIONAL_ADMIN, ""),)),
    ("area.lead.north", "Noel North", ((Role.AREA_LEAD, "North"),)),
    ("area.lead.south", "Sana South", ((Role.AREA_LEAD, "South"),)),
    (
        "area.lead.midlands",
        "Mo Midlands",
        ((Role.AREA_LEAD, "Midlands and East"), (Role.AREA_LEAD, "London")),
    ),
    *(
        (
            f"{role_prefix}.{name.lower().replace(' ', '-')}",
            f"{first} {name.split()[0]}",
            ((role, name),),
        )
        for name in STAFFED
        for role_prefix, first, role in (
            ("lead", "Lee", MembershipRole.AUTHORITY_LEAD),
            ("officer", "Olu", MembershipRole.OFFICER),
            ("viewer", "Vic", MembershipRole.VIEWER),
        )
    ),
    (
        "two.roles",
        "Tam Tworoles",
        ((MembershipRole.OFFICER, "Mardleshire"), (MembershipRole.VIEWER, "Kestrel Bay")),
    ),
)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str
    place: str

    def line(self) -> str:
        return f"{self.email}  {Role(self.role).label}  {self.place}"


@dataclass
class DemoData:
    """What :func:`seed` made, for later seeders to build on."""

    authorities: dict[str, Authority] = field(default_factory=dict)  # by name
    areas: dict[str, Area] = field(default_factory=dict)  # by short name ("North")
    users: dict[str, User] = field(default_factory=dict)  # by email
    accounts: list[DemoAccount] = field(default_factory=list)


def demo_password_hash(password: str) -> str:
    """One hash for every demo account, with a fixed salt, so a re-run can see that a password is
    already right without running the slow hasher once per account. Demo accounts only."""
    return make_password(password, salt="portaldemoseed")


def seed_areas() -> dict[str, Area]:
    areas = {}
    for short, description in AREAS:
        area, _ = Area.objects.update_or_create(
            name=short + AREA_SUFFIX, defaults={"description": description, "is_demo": True}
        )
        areas[short] = area
    return areas


def seed_authorities(areas: dict[str, Area]) -> dict[str, Authority]:
    authorities = {}
    for name, code, kind, region, area in AUTHORITIES:
        authority = Authority.objects.filter(ons_code=code).first() or Authority(ons_code=code)
        wanted = {
            "name": name,
            "kind": kind,
            "region": region,
            "area": areas[area],
            "active": True,
            "is_demo": True,
        }
        if authority.pk is None or any(getattr(authority, k) != v for k, v in wanted.items()):
            for key, value in wanted.items():
                setattr(authority, key, value)
            authority.full_clean()
            authority.save()
        authorities[name] = authority
    return authorities


def seed_accounts(
    authorities: dict[str, Authority], areas: dict[str, Area], password: str
) -> tuple[dict[str, User], list[DemoAccount]]:
    password_hash = demo_password_hash(password)
    users: dict[str, User] = {}
    accounts: list[DemoAccount] = []
    for local, full_name, roles in PEOPLE:
        email = f"{local}@{EMAIL_DOMAIN}"
        user = User.objects.filter(email=email).first() or User(email=email)
        national = any(role == Role.NATIONAL_ADMIN for role, _ in roles)
        if (
            user.pk is None
            or user.full_name != full_name
            or user.password != password_hash
            or not user.is_active
            or user.is_national_admin != national
        ):
            user.full_name = full_name
            user.password = password_hash
            user.is_active = True
            user.is_national_admin = national
            user.full_clean()
            user.save()
        users[email] = user
        for role, place in roles:
            if role == Role.NATIONAL_ADMIN:
                accounts.append(DemoAccount(email, role, "All authorities"))
            elif role == Role.AREA_LEAD:
                area = areas[place]
                AreaAssignment.objects.get_or_create(user=user, area=area)
                accounts.append(DemoAccount(email, role, area.name))
            else:
                authority = authorities[place]
                Membership.objects.update_or_create(
                    user=user, authority=authority, defaults={"role": role}
                )
                accounts.append(DemoAccount(email, role, authority.name))
    return users, accounts


@transaction.atomic
def seed(*, password: str) -> DemoData:
    areas = seed_areas()
    authorities = seed_authorities(areas)
    users, accounts = seed_accounts(authorities, areas, password)
    return DemoData(authorities=authorities, areas=areas, users=users, accounts=accounts)


def account_lines(accounts: Iterable[DemoAccount]) -> list[str]:
    return [account.line() for account in accounts]
