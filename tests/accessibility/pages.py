"""Every page of the portal, for every role: the list the accessibility and HTML checks walk.

The list is built from the URL resolver, so a page added later is checked without anyone adding it
here. Each URL parameter is filled from the demo data (`manage.py seed_demo`) by the literal path
segment before it and its name (``assessments/<int:pk>/...`` is ``assessments:pk``): a new route
whose parameters have no sample fails ``test_every_route_can_be_filled`` with the keys to add to
:func:`samples`. Pages that no route walk can reach (a query string, a sign-in half-way through
two-factor, a form posted without its CSRF token, the server error pages) are listed explicitly.

Every role gets every URL. What a role may not see answers 404 (or 403), and that page is checked
too, once per role and status.
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.contrib.auth.tokens import default_token_generator
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests.accessibility.urls_for_errors import ERROR_PAGES

# The Django admin is a third-party operators' tool (staff accounts only, not a portal role); its
# pages are not portal pages and are not checked.
EXEMPT_PREFIXES = ("django-admin/", "error-pages/")

DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 - the published demo password (seed_demo)

# Who each role is in the demo data. Mardleshire is in progress in the current round; the North
# area holds submitted and agreed assessments.
ROLE_USERS: dict[str, str | None] = {
    "anonymous": None,
    "officer": "officer.mardleshire@example.org",
    "authority lead": "lead.mardleshire@example.org",
    "viewer": "viewer.mardleshire@example.org",
    "area lead": "area.lead.north@example.org",
    "national admin": "national.admin@example.org",
}
ROLES = tuple(ROLE_USERS)
# Someone who holds two roles: the page that asks which authority they are working for.
SEVERAL_ROLES_USER = "two.roles@example.org"
# Signs in with an authenticator app: the page that asks for the security code.
TWO_FACTOR_USER = "two.factor@example.org"
# The page that shows a new API token, once.
NEW_API_TOKEN = "authority lead, new API token"


def api_token_expiry_choice() -> str:
    from api.forms import EXPIRY_CHOICES

    return str(EXPIRY_CHOICES[0][0])


# --- The data -------------------------------------------------------------------------------------


@dataclass
class World:
    """The demo data plus what the walk needs to fill URL parameters."""

    contexts: dict[str, list[dict[str, list[str]]]]  # role -> sample contexts
    extra_urls: list[tuple[str, str]] = field(default_factory=list)  # (role, url)
    users: dict[str, object] = field(default_factory=dict)  # role -> User or None


def build_world() -> World:
    """Load the shipped model and the demo data, add the few objects the demo has none of (a draft
    model version, a waiting invitation, a user with two-factor), and choose the sample values."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import Area, Authority, Invitation, Membership, MembershipRole, User
    from accounts.services import invitation_create
    from actions.models import Action
    from api.services import api_token_create
    from assessments.models import Assessment, Round
    from benchmarking.models import ComparatorGroup
    from evidence.models import EvidenceItem
    from frameworks.models import CaseStudy, ChecklistItem, FrameworkVersion, Level, Strand
    from frameworks.services import framework_version_clone
    from notifications.models import Notification
    from reports.models import Report, ReportKind, ReportStatus
    from tests.factories.frameworks import shipped_framework_version

    published = shipped_framework_version()
    call_command("seed_demo", stdout=io.StringIO())
    admin = User.objects.get(email=ROLE_USERS["national admin"])
    lead = User.objects.get(email=ROLE_USERS["authority lead"])
    draft = FrameworkVersion.objects.filter(slug=published.slug, status="draft").first()
    if draft is None:
        draft = framework_version_clone(source=published, version="1.1", actor=admin)

    mardleshire = Authority.objects.get(name="Mardleshire")
    north = Area.objects.get(name__startswith="North")
    invitation, token = invitation_create(
        inviter=lead,
        email="new.colleague@example.org",
        role=MembershipRole.OFFICER,
        authority=mardleshire,
    )
    assert Invitation.objects.filter(pk=invitation.pk).exists()
    two_factor = User.objects.create_user(email=TWO_FACTOR_USER, password=DEMO_PASSWORD)
    Membership.objects.create(user=two_factor, authority=mardleshire, role=MembershipRole.VIEWER)
    TOTPDevice.objects.create(user=two_factor, name="Authenticator app", confirmed=True)

    # Made directly: the service would recompute every round's benchmarks (slow, not needed here).
    group, _ = ComparatorGroup.objects.get_or_create(
        name="Statistical neighbours", defaults={"description": "Authorities like Mardleshire."}
    )
    group.members.set(Authority.objects.filter(kind=mardleshire.kind))
    # A report and a personal API token (made directly: the services would start rendering a PDF).
    report = Report.objects.filter(authority=mardleshire).first() or Report.objects.create(
        kind=ReportKind.AUTHORITY,
        authority=mardleshire,
        assessment=Assessment.objects.filter(authority=mardleshire, status="agreed").first(),
        title="Mardleshire data maturity report",
        status=ReportStatus.QUEUED,
        fingerprint="accessibility-test",
        template_version="test",
        requested_by=lead,
    )
    api_token, _ = api_token_create(user=lead, name="Our dashboard", expires_in_days=None)
    viewer = User.objects.get(email=ROLE_USERS["viewer"])
    officer = User.objects.get(email=ROLE_USERS["officer"])
    membership = Membership.objects.get(user=viewer, authority=mardleshire)
    current_round = Round.objects.order_by("-opens_on").first()
    strand = Strand.objects.filter(framework_version=published).first()
    dimension = strand.dimensions.first()
    level = Level.objects.filter(framework_version=published).first()

    base = {
        "model:slug": [published.slug],
        "model:version": [published.version],
        "model:pk": [str(published.pk), str(draft.pk)],
        "dimensions:key": [dimension.key],
        "strands:key": [strand.key],
        "statements:key": [dimension.statements.first().key],
        "levels:key": [level.key],
        "checklist:key": [ChecklistItem.objects.filter(framework_version=published).first().key],
        "case-studies:key": [CaseStudy.objects.filter(framework_version=published).first().key],
        "start:round_id": [str(current_round.pk)],
        "rounds:pk": [str(current_round.pk)],
        "benchmarks:round_id": [str(current_round.pk)],
        "frameworks:slug": [published.slug],
        "frameworks:version": [published.version],
        "reports:pk": [str(report.pk)],
        "tokens:pk": [str(api_token.pk)],
        "authorities:pk": [str(mardleshire.pk)],
        "authorities:authority_pk": [str(mardleshire.pk)],
        "people:pk": [str(membership.pk)],
        "invitations:pk": [str(invitation.pk)],
        "invitations:token": [token],
        "areas:pk": [str(north.pk)],
        "users:pk": [str(officer.pk)],
        "comparator-groups:pk": [str(group.pk)],
        "notifications:pk": [
            str((Notification.objects.filter(recipient=lead) or Notification.objects).first().pk)
        ],
        "password-reset:uidb64": [urlsafe_base64_encode(force_bytes(officer.pk))],
        "password-reset:token": [default_token_generator.make_token(officer)],
    }

    def assessment_context(assessment: Assessment) -> dict[str, list[str]]:
        pk = [str(assessment.pk)]
        context = {**base, "assessments:pk": pk, "assessment:pk": pk, "review:pk": pk}
        item = (
            EvidenceItem.objects.filter(assessment=assessment, removed_at__isnull=True)
            .select_related("answer__dimension")
            .order_by("pk")
            .first()
        )
        if item is not None:
            context["dimensions:key"] = [item.answer.dimension.key]
            context["evidence:item_id"] = [str(item.pk)]
        action = Action.objects.filter(assessment=assessment).order_by("pk").first()
        if action is not None:
            context["action-plan:action_id"] = [str(action.pk)]
        return context

    mine = Assessment.objects.filter(authority=mardleshire)
    in_area = Assessment.objects.filter(authority__area=north, round=current_round)
    own_current = assessment_context(mine.get(round=current_round))  # in progress
    own_agreed = assessment_context(
        mine.filter(status="agreed", actions__isnull=False).order_by("-round__opens_on").first()
    )
    area_submitted = assessment_context(in_area.filter(status="submitted").first())
    area_agreed = assessment_context(in_area.filter(status="agreed").first())
    # Each role sees its own authority's (or area's) assessments; what it may not see answers 404,
    # and that page is checked through the routes that give it.
    contexts = {
        "anonymous": [own_current],
        "officer": [own_current, own_agreed],
        "authority lead": [own_current, own_agreed],
        "viewer": [own_current, own_agreed],
        "area lead": [area_submitted, area_agreed],
        "national admin": [area_submitted, own_agreed],
    }

    extra_urls = [
        *((role, url) for role in ("anonymous", "officer") for url in ERROR_PAGES),
        ("authority lead", f"{reverse('accounts:people_remove')}?membership={membership.pk}"),
        (
            "national admin",
            reverse("accounts:national_people_remove", args=[mardleshire.pk])
            + f"?membership={membership.pk}",
        ),
    ]
    users = {
        role: (User.objects.get(email=email) if email else None)
        for role, email in ROLE_USERS.items()
    }
    return World(contexts=contexts, extra_urls=extra_urls, users=users)


# --- The routes -----------------------------------------------------------------------------------

PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")


@dataclass(frozen=True)
class Route:
    route: str  # "assessments/<int:pk>/"
    name: str  # "assessments:task_list"
    keys: tuple[str, ...]  # ("assessments:pk",)
    regex: bool  # a regex pattern, which has no route syntax to fill in


def _walk(patterns, prefix: str = "", namespace: str = "", regex: bool = False) -> Iterator[Route]:
    for entry in patterns:
        is_regex = regex or not hasattr(entry.pattern, "_route")
        if isinstance(entry, URLResolver):
            inner = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner, is_regex)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            yield Route(route, namespace + (entry.name or ""), _keys(route), is_regex)


def _keys(route: str) -> tuple[str, ...]:
    """Each parameter named by the last literal path segment before it and its own name."""
    keys = []
    for match in PARAMETER.finditer(route):
        literal = [s for s in PARAMETER.sub("", route[: match.start()]).split("/") if s]
        keys.append(f"{literal[-1] if literal else ''}:{match.group(2)}")
    return tuple(keys)


def routes() -> list[Route]:
    walked = _walk(get_resolver().url_patterns)
    return [r for r in walked if not r.route.startswith(EXEMPT_PREFIXES)]


def expand(route: Route, contexts: list[dict[str, list[str]]]) -> list[str]:
    """Every URL for a route from the sample contexts (no URL when no context fills it)."""
    urls: list[str] = []
    for context in contexts:
        if not all(key in context for key in route.keys):
            continue
        for values in itertools.product(*(context[key] for key in route.keys)):
            url = "/" + PARAMETER.sub(_filler(iter(values)), route.route)
            if url not in urls:
                urls.append(url)
    return urls


def _filler(values: Iterator[str]):
    return lambda _match: next(values)


def unfilled_routes(world: World) -> list[str]:
    contexts = [c for role_contexts in world.contexts.values() for c in role_contexts]
    problems = []
    for route in routes():
        if route.regex:
            problems.append(f"{route.route} ({route.name}): a regex pattern, list it explicitly")
        elif not expand(route, contexts):
            missing = sorted({k for k in route.keys if not any(k in c for c in contexts)})
            problems.append(f"{route.route} ({route.name}): no sample for {missing}")
    return problems


def urls_for(role: str, world: World) -> list[str]:
    """Every route filled with the role's samples, then the role's explicit extras."""
    found = [url for route in routes() for url in expand(route, world.contexts[role])]
    return found + [url for r, url in world.extra_urls if r == role]


# --- Fetching pages with the test client ----------------------------------------------------------


@dataclass
class Fetched:
    role: str
    url: str  # as requested
    final_url: str  # after redirects
    status: int
    content_type: str
    html: str
    form_index: int | None = None  # the page's n-th form to fill in, posted empty (url is the page)

    @property
    def posted(self) -> bool:
        return self.form_index is not None

    @property
    def is_html(self) -> bool:
        return self.content_type.startswith("text/html") and bool(self.html.strip())

    @property
    def page_key(self) -> tuple[str, str]:
        """Pages that are the same for the checks: one 404 (or 403) per role; one page per path
        (a redirect to sign in with different ``next`` values is one page)."""
        posted = " (form posted empty)" if self.posted else ""
        if self.status >= 400 and self.status != 403 or "error-pages" in self.url:
            return (self.role, f"status {self.status}{posted}")
        return (self.role, f"{urlsplit(self.final_url).path}{posted}")

    def describe(self) -> str:
        what = f"{self.url}, form {self.form_index + 1} posted empty" if self.posted else self.url
        shown = "" if self.final_url == self.url else f" -> {self.final_url}"
        return f"{self.role}: {what}{shown} ({self.status})"


def client_for(role: str, world: World) -> Client:
    client = Client(raise_request_exception=False)
    user = world.users.get(role)
    if user is not None:
        client.force_login(user)
    return client


def fetch(
    client: Client,
    role: str,
    url: str,
    data: dict | None = None,
    action: str | None = None,
    form_index: int | None = None,
) -> Fetched:
    """GET the URL, or POST data to the action (default: the URL), following redirects."""
    if data is None:
        response = client.get(url, follow=True)
    else:
        response = client.post(action or url, data, follow=True)
    chain = response.redirect_chain
    final = chain[-1][0] if chain else (action or url)
    content_type = response.get("Content-Type", "")
    streaming = getattr(response, "streaming", False)
    html = "" if streaming or not content_type.startswith("text/html") else response.text
    return Fetched(role, url, final, response.status_code, content_type, html, form_index)


# --- Forms posted empty ---------------------------------------------------------------------------

NOT_EDITABLE = {"hidden", "submit", "button", "image", "reset"}


@dataclass
class Form:
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # hidden inputs, kept as they are
    submit: tuple[str, str] | None = None  # the first submit button's name and value
    editable: int = 0  # controls a person fills in


class PostFormsInMain(HTMLParser):
    """The POST forms inside <main> (the header's sign-out form is left alone)."""

    def __init__(self) -> None:
        super().__init__()
        self.in_main = 0
        self.forms: list[Form] = []
        self.current: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "main":
            self.in_main += 1
        elif tag == "form" and self.in_main and a.get("method", "get").lower() == "post":
            self.current = Form(action=a.get("action", ""))
            self.forms.append(self.current)
        elif self.current is None:
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind == "hidden" and a.get("name"):
                self.current.fields.append((a["name"], a.get("value", "")))
            elif kind not in NOT_EDITABLE:
                self.current.editable += 1
            elif kind == "submit" and self.current.submit is None:
                self.current.submit = (a.get("name", ""), a.get("value", ""))
        elif tag in {"select", "textarea"}:
            self.current.editable += 1
        elif tag == "button" and a.get("type", "submit") == "submit" and not self.current.submit:
            self.current.submit = (a.get("name", ""), a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.in_main -= 1
        elif tag == "form":
            self.current = None


def forms_to_post_empty(html: str) -> list[Form]:
    """Forms with something to fill in: posted with nothing filled in they show their errors.
    Forms that are only a button (publish, remove, sign out) are actions, not checked this way.
    BLANK_AND_SUBMIT_JS picks the same forms in the browser."""
    parser = PostFormsInMain()
    parser.feed(html)
    return [form for form in parser.forms if form.editable]


def empty_post_data(form: Form) -> dict[str, str]:
    data = dict(form.fields)
    if form.submit and form.submit[0]:
        data[form.submit[0]] = form.submit[1]
    return data


# The same choice of forms as forms_to_post_empty, in the browser: empty the n-th form's fields
# and submit it with its first submit button, skipping the browser's own validation (the portal
# validates on the server and shows the GOV.UK error summary).
_FORMS_JS = """
  const skip = ['hidden', 'submit', 'button', 'image', 'reset'];
  const editable = (form) => [...form.elements].filter((e) =>
    e.tagName === 'SELECT' || e.tagName === 'TEXTAREA' ||
    (e.tagName === 'INPUT' && !skip.includes(e.type)));
  const forms = [...document.querySelectorAll('main form')].filter((f) =>
    (f.getAttribute('method') || 'get').toLowerCase() === 'post' && editable(f).length);
  const form = forms[index];
"""
FIND_FORM_JS = "(index) => {" + _FORMS_JS + "  return !!form;\n}"
BLANK_AND_SUBMIT_JS = (
    "(index) => {"
    + _FORMS_JS
    + """  for (const e of editable(form)) {
    if (e.type === 'checkbox' || e.type === 'radio') e.checked = false;
    else if (e.tagName === 'SELECT') e.selectedIndex = -1;
    else e.value = '';
  }
  form.noValidate = true;
  form.requestSubmit(form.querySelector(
    'button[type=submit], button:not([type]), input[type=submit]') || undefined);
}"""
)


# --- Pages no route walk reaches ------------------------------------------------------------------


def explicit_pages_with_client(world: World) -> list[Fetched]:
    """Two-factor sign-in (the security code page, and it posted empty), the choice of authority
    for someone with two roles, a new API token, and a form posted without its CSRF token."""
    from accounts.models import User

    login = reverse("accounts:login")
    found = []
    client = Client(raise_request_exception=False)
    credentials = {"username": TWO_FACTOR_USER, "password": DEMO_PASSWORD}
    code_page = fetch(client, "two-factor sign-in", login, credentials)
    assert urlsplit(code_page.final_url).path == reverse("accounts:two_factor_verify"), code_page
    found.append(code_page)
    found.extend(post_empty(client, code_page))

    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(email=SEVERAL_ROLES_USER))
    choose = fetch(client, "several roles", reverse("accounts:acting_for"))
    found.append(choose)
    found.extend(post_empty(client, choose))

    # A new API token, shown once in the answer to the form (no page to GET afterwards).
    client = client_for("authority lead", world)
    data = {"name": "Quarterly dashboard", "expiry": api_token_expiry_choice()}
    made = fetch(client, NEW_API_TOKEN, reverse("api:token_create"), data)
    assert made.status == 200 and "govuk-error-summary" not in made.html, made
    found.append(made)

    csrf = Client(enforce_csrf_checks=True, raise_request_exception=False)
    refused = fetch(csrf, "no CSRF token", login, credentials)
    assert refused.status == 403, refused
    found.append(refused)
    return found


# --- The whole walk with the test client ----------------------------------------------------------


@dataclass
class Walk:
    pages: list[Fetched]  # one per page key, HTML only
    skipped: list[Fetched]  # not HTML (files, JSON, CSV) or empty (405 for POST-only actions)
    fetched: int


def is_error_state(page: Fetched) -> bool:
    return page.is_html and (page.status >= 400 or "govuk-error-summary" in page.html)


def post_empty(client: Client, page: Fetched) -> list[Fetched]:
    """Each form on the page posted empty, each undone afterwards (rolled back), so a form that
    accepts nothing at all (an optional comment) changes nothing for the pages after it. Only
    error states are kept: the page a successful post leads to is checked as a page of its own."""
    found = []
    for index, form in enumerate(forms_to_post_empty(page.html)):
        with transaction.atomic():
            action = form.action or page.final_url
            posted = fetch(client, page.role, page.url, empty_post_data(form), action, index)
            transaction.set_rollback(True)
        if is_error_state(posted):
            found.append(posted)
    return found


def walk_with_client(world: World, roles: tuple[str, ...] = ROLES) -> Walk:
    """GET every URL as every role, then post every form found empty. One page per page key."""
    seen: dict[tuple[str, str], Fetched] = {}
    skipped: list[Fetched] = []
    fetched = 0
    clients = {role: client_for(role, world) for role in roles}
    for role, client in clients.items():
        for url in urls_for(role, world):
            page = fetch(client, role, url)
            fetched += 1
            if not page.is_html:
                skipped.append(page)
            else:
                seen.setdefault(page.page_key, page)
    for page in [p for p in seen.values() if p.status == 200]:
        for posted in post_empty(clients[page.role], page):
            fetched += 1
            seen.setdefault(posted.page_key, posted)
    for page in explicit_pages_with_client(world):
        seen.setdefault(page.page_key, page)
    return Walk(pages=list(seen.values()), skipped=skipped, fetched=fetched)
