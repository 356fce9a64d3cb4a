"""Factories for users and tenants. Tests always build a second tenant: `two_tenants()` makes two
authorities, each with a lead, an officer and a viewer, each in its own area with its own area
lead, plus a national admin, so every test can ask "and from the other side?"."""

from dataclasses import dataclass

import factory

from accounts.models import (
    Area,
    AreaAssignment,
    Authority,
    AuthorityKind,
    Invitation,
    Membership,
    MembershipRole,
    Region,
    User,
)

PASSWORD = "A-long-test-password-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.django.Password(PASSWORD)


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Area {n}")


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authority
        django_get_or_create = ("ons_code",)

    name = factory.Sequence(lambda n: f"Testshire {n}")
    ons_code = factory.Sequence(lambda n: f"E06{n:06d}")
    kind = AuthorityKind.UNITARY
    region = Region.LONDON


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    authority = factory.SubFactory(AuthorityFactory)
    role = MembershipRole.OFFICER


class AreaAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AreaAssignment

    user = factory.SubFactory(UserFactory)
    area = factory.SubFactory(AreaFactory)


@dataclass
class Tenant:
    """One authority with a person in each role, in its own area with its own area lead."""

    authority: Authority
    area: Area
    lead: User
    officer: User
    viewer: User
    area_lead: User

    def member(self, role: str) -> User:
        return {
            MembershipRole.AUTHORITY_LEAD: self.lead,
            MembershipRole.OFFICER: self.officer,
            MembershipRole.VIEWER: self.viewer,
            "area_lead": self.area_lead,
        }[role]

    def membership(self, user: User) -> Membership:
        return Membership.objects.get(user=user, authority=self.authority)


@dataclass
class TwoTenants:
    a: Tenant
    b: Tenant
    national_admin: User


def tenant(label: str) -> Tenant:
    area = AreaFactory(name=f"Area {label}")
    authority = AuthorityFactory(name=f"Authority {label}", area=area)
    people = {}
    for role in MembershipRole:
        user = UserFactory(
            email=f"{role.value.replace('_', '.')}.{label.lower()}@example.org",
            full_name=f"{role.label} {label}",
        )
        MembershipFactory(user=user, authority=authority, role=role)
        people[role] = user
    area_lead = UserFactory(
        email=f"area.lead.{label.lower()}@example.org", full_name=f"Area lead {label}"
    )
    AreaAssignmentFactory(user=area_lead, area=area)
    return Tenant(
        authority=authority,
        area=area,
        lead=people[MembershipRole.AUTHORITY_LEAD],
        officer=people[MembershipRole.OFFICER],
        viewer=people[MembershipRole.VIEWER],
        area_lead=area_lead,
    )


def two_tenants() -> TwoTenants:
    return TwoTenants(
        a=tenant("A"),
        b=tenant("B"),
        national_admin=UserFactory(
            email="national.admin@example.org", full_name="National Admin", is_national_admin=True
        ),
    )


def invitation_for(**kwargs) -> tuple[Invitation, str]:
    """An invitation made through the service, with its token."""
    from accounts.services import invitation_create

    return invitation_create(**kwargs)
