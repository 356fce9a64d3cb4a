"""One demo world for the security tests, built once (the shipped model, reference authorities
and `seed_demo`: every role, assessments in every state, evidence, reviews, action plans,
notifications, benchmarks, plus a draft model version, an unstarted round and a comparator
group) inside a transaction rolled back when tests/security/walk ends, so the walks over every
page cost one set-up. Each test still runs in its own savepoint, so nothing a test writes
reaches the next.

Every test in this folder must use the database without `transaction=True`, so pytest-django
keeps them together and the world is built once."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings

from .crawler import CrawlResult, crawl

# Demo accounts (accounts/demo.py) for each kind of user the crawl signs in as.
DEMO_USERS = {
    "national_admin": "national.admin@example.org",
    "area_lead": "area.lead.north@example.org",
    "area_lead_of_two_areas": "area.lead.midlands@example.org",
    "authority_lead": "lead.mardleshire@example.org",
    "officer": "officer.mardleshire@example.org",
    "viewer": "viewer.mardleshire@example.org",
    "two_roles": "two.roles@example.org",
}
ANONYMOUS = "anonymous"
# Never fetched by the crawl: signing out would end the crawl's session.
CRAWL_SKIP = {"accounts:logout"}


@dataclass
class World:
    crawl: CrawlResult
    users: dict
    # The crawl's own browsers: the anonymous one holds the password reset link's session.
    crawl_clients: dict

    def client_for(self, who: str, **kwargs) -> Client:
        """A new browser signed in as `who`; for the anonymous visitor with no options, the crawl's
        browser (a reset link's form only works in the session that opened the link)."""
        if who == ANONYMOUS and not kwargs:
            return self.crawl_clients[ANONYMOUS]
        client = Client(**kwargs)
        if who != ANONYMOUS:
            client.force_login(self.users[who])
        return client


def _more_of_everything() -> None:
    """What the demo data lacks for some pages: a draft model version (the editing pages), a
    round nobody has started (the start button) and a comparator group."""
    import datetime

    from django.utils import timezone

    from accounts.models import User
    from assessments.models import Round
    from benchmarking.models import ComparatorGroup
    from frameworks.models import FrameworkVersion
    from frameworks.services import framework_version_clone

    admin = User.objects.get(email=DEMO_USERS["national_admin"])
    published = FrameworkVersion.objects.filter(status="published").order_by("-pk").first()
    framework_version_clone(source=published, version="9.0", actor=admin)
    today = timezone.localdate()
    Round.objects.create(
        name="Extra round for the walk",
        framework_version=published,
        opens_on=today - datetime.timedelta(days=1),
        closes_on=today + datetime.timedelta(days=90),
    )
    _api_token_and_reports()
    group = ComparatorGroup.objects.create(name="Statistical neighbours (walk)")
    group.members.set(
        User.objects.get(email=DEMO_USERS["authority_lead"]).memberships.values_list(
            "authority", flat=True
        )
    )


def _api_token_and_reports() -> None:
    """An API token (its revoke form) and reports in each state (ready: the download; failed: the
    retry form) for the authority lead."""
    from accounts.models import User
    from api.services import api_token_create
    from assessments.models import Assessment
    from reports.models import Report, ReportStatus
    from reports.services import authority_report_request, report_render

    lead = User.objects.get(email=DEMO_USERS["authority_lead"])
    api_token_create(user=lead, name="Walk token", expires_in_days=30)
    submitted = Assessment.objects.filter(
        authority__memberships__user=lead, submitted_at__isnull=False
    ).order_by("-pk")
    ready, _ = authority_report_request(assessment=submitted[0], actor=lead)
    report_render(report_id=ready.pk)
    failed, _ = authority_report_request(assessment=submitted[1], actor=lead)
    Report.objects.filter(pk=failed.pk).update(status=ReportStatus.FAILED)


def _seeds() -> dict[str, list[str]]:
    """Pages no link leads to: reached from an email (an invitation, a password reset), after a
    POST (submitted, the level step) or by typing (the latest model version)."""
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from accounts.models import Authority, User
    from assessments import services as assessment_services
    from assessments.models import Assessment, DimensionAnswer
    from frameworks.models import FrameworkVersion
    from reports.models import Report
    from tests.factories.accounts import invitation_for

    lead = User.objects.get(email=DEMO_USERS["authority_lead"])
    _, token = invitation_for(
        inviter=lead,
        email="invited.person@example.org",
        role="viewer",
        authority=Authority.objects.get(memberships__user=lead),
    )
    viewer = User.objects.get(email=DEMO_USERS["viewer"])
    reset = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(viewer.pk)),
            "token": default_token_generator.make_token(viewer),
        },
    )
    authority = Authority.objects.get(memberships__user=lead)
    own = Assessment.objects.filter(authority=authority)
    submitted = own.exclude(submitted_at=None).first()
    level_pages = []
    for answer in DimensionAnswer.objects.filter(assessment__in=own).select_related(
        "assessment", "dimension"
    ):
        if answer.assessment.is_editable and assessment_services.dimension_suggestion(answer):
            level_pages.append(
                reverse(
                    "assessments:dimension_level", args=[answer.assessment.pk, answer.dimension.key]
                )
            )
            break
    from assessments.models import AssessmentStatus

    waiting = Assessment.objects.filter(status=AssessmentStatus.SUBMITTED).select_related(
        "authority"
    )
    north = User.objects.get(email=DEMO_USERS["area_lead"]).area_assignments.values_list(
        "area", flat=True
    )
    reviews = {
        "national_admin": [reverse("reviews:review", args=[a.pk]) for a in waiting[:1]],
        "area_lead": [
            reverse("reviews:review", args=[a.pk])
            for a in waiting.filter(authority__area__in=north)[:1]
        ],
    }
    draft = FrameworkVersion.objects.get(status="draft")
    slug = draft.slug
    return {
        ANONYMOUS: [
            reverse("accounts:invitation_accept", kwargs={"token": token}),
            reset,
            reverse("frameworks:latest", args=[slug]),
            reverse("frameworks:choose_version", args=[slug]) + "?version=1.0",
        ],
        "national_admin": [
            reverse("accounts:national_authority", args=[authority.pk]),
            reverse("frameworks:manage_version", args=[draft.pk]),
            *reviews["national_admin"],
        ],
        "area_lead": reviews["area_lead"],
        "authority_lead": [
            # Polled by the report page's script, not linked.
            *[
                reverse("reports:status", args=[pk])
                for pk in Report.objects.values_list("pk", flat=True)
            ],
            *level_pages,
            *([reverse("assessments:submitted", args=[submitted.pk])] if submitted else []),
        ],
    }


@pytest.fixture(scope="package")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings

    from accounts.models import User

    storage_root = tmp_path_factory.mktemp("security-evidence")
    storages = {
        **settings.STORAGES,
        **{
            alias: {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": storage_root / alias, "base_url": None},
            }
            for alias in ("evidence", "reports")
        },
    }
    with override_settings(STORAGES=storages), django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_initial_data", stdout=io.StringIO())
            users = {who: User.objects.get(email=email) for who, email in DEMO_USERS.items()}
            # A page that fails is recorded as a 500 (and fails the tests), not raised mid-walk.
            clients = {ANONYMOUS: Client(raise_request_exception=False)}
            for who, user in users.items():
                clients[who] = Client(raise_request_exception=False)
                clients[who].force_login(user)
            _more_of_everything()
            result = crawl(clients, _seeds(), CRAWL_SKIP)
            yield World(crawl=result, users=users, crawl_clients=clients)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
