"""Hypothesis fuzzing of every form in the portal. The walk (conftest.py) finds each
<form method="post"> a user can see, with its field names; each form is then posted, as that user,
with generated values: any unicode text (control characters included), huge strings, numbers,
ids of other authorities' objects, values from the form's own options, missing fields and
repeated fields. Whatever is sent, the answer is never a 500; a page that shows an error summary
(200 or 400) wrote nothing (beyond the security log); and anything else is a redirect or a
refusal. (A 200 without an error summary happens only for tampered posts, such as one without the
button's `action` value, which show the page again unchanged, or an expired reset link's page.)

A form added later is fuzzed without being listed here. Each example runs in a savepoint that
is rolled back, so every example starts from the same demo data."""

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import capture_writes

pytestmark = pytest.mark.django_db

EXAMPLES_PER_FORM = 6
FUZZ = settings(
    max_examples=EXAMPLES_PER_FORM,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
TOKEN = "csrfmiddlewaretoken"
# Tables a refused request may still write: the security log and the sign-in throttle.
SECURITY_LOG = ('"accounts_securityevent"', '"axes_accessattempt"', '"axes_accessfailurelog"')
PROJECT_APPS = {
    "accounts",
    "frameworks",
    "assessments",
    "evidence",
    "reviews",
    "actions",
    "notifications",
    "benchmarking",
    "reports",
    "exports",
    "api",
}
NASTY = [
    "",
    " ",
    "\x00",
    "\r\n",
    "\u202e",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "{{ 7|add:7 }}",
    "%s%n",
    "-1",
    "0",
    "1e309",
    "NaN",
    "9" * 40,
    "2026-02-30",
    "true",
    "None",
    "null",
]


def id_pool() -> list[str]:
    """A few ids of every project model (every authority's, not only the user's own)."""
    ids: set[int] = set()
    for model in apps.get_models():
        if model._meta.app_label in PROJECT_APPS:
            pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
            ids.update(pk for pk in pks[:4] + pks[-4:] if isinstance(pk, int))
    return [str(pk) for pk in sorted(ids)]


def values_for(field, pool):
    own = [field.value, *field.options]
    strategies = [
        st.text(max_size=60),
        st.sampled_from(NASTY),
        st.integers(min_value=-(2**63), max_value=2**64).map(str),
        st.sampled_from(pool),
        st.just("x" * 100_000),
    ]
    if any(own):
        strategies.insert(0, st.sampled_from([value for value in own if value] or [""]))
    if field.kind == "file":
        return st.builds(
            SimpleUploadedFile,
            st.sampled_from(["report.pdf", "../../x.pdf", "a.exe", "notes.txt", "\u202etxt.pdf"]),
            st.binary(max_size=2048),
        )
    return st.one_of(strategies)


def draw_post(data, form, pool) -> dict:
    post: dict = {}
    for field in form.fields:
        if field.name == TOKEN or field.name in post:
            continue
        how = data.draw(st.sampled_from(["one", "one", "missing", "repeated"]), label=field.name)
        if how == "missing":
            continue
        values = values_for(field, pool)
        if how == "one":
            post[field.name] = data.draw(values, label=field.name)
        else:
            post[field.name] = data.draw(st.lists(values, min_size=2, max_size=3), label=field.name)
    if data.draw(st.booleans(), label="an unknown field"):
        post["unexpected"] = data.draw(st.text(max_size=20))
    return post


def check(response, writes) -> None:
    status = response.status_code
    assert status < 500
    html = response.content.decode("utf-8", errors="replace") if status in (200, 400) else ""
    if "govuk-error-summary" in html:
        assert writes == [], f"an error page wrote: {writes}"
    assert status in (200, 301, 302, 303, 400, 403, 404, 405, 409, 413, 429), status


def post_checked(world, who, form, post) -> None:
    with transaction.atomic():
        client = world.client_for(who)
        with capture_writes(allowed=SECURITY_LOG) as writes:
            response = client.post(form.action, post)
        check(response, writes)
        transaction.set_rollback(True)


def fuzzer(world, who, form, pool):
    @FUZZ
    @given(data=st.data())
    def fuzz(data):
        post_checked(world, who, form, draw_post(data, form, pool))

    return fuzz


def test_every_form_survives_generated_input(world):
    pool = id_pool()
    assert len(world.crawl.forms) > 40
    for who, form in world.crawl.forms:
        try:
            fuzzer(world, who, form, pool)()
        except Exception as error:
            error.add_note(f"form: POST {form.action} as {who} (from {form.page})")
            raise


def test_every_form_survives_the_classic_bad_inputs(world):
    """The same forms, each with: nothing at all, every field huge, every field repeated with
    other authorities' ids, every field a NUL byte."""
    pool = id_pool()
    for who, form in world.crawl.forms:
        names = [name for name in form.names if name != TOKEN]
        for post in (
            {},
            dict.fromkeys(names, "x" * 200_000),
            dict.fromkeys(names, pool[-3:]),
            dict.fromkeys(names, "\x00"),
        ):
            try:
                post_checked(world, who, form, post)
            except Exception as error:
                error.add_note(f"form: POST {form.action} as {who}, fields {sorted(post)}")
                raise


BROWSER_SENDS_AS_IS = ("hidden", "submit", "button")


def empty_answers(form) -> dict:
    """What a browser sends when the person fills in nothing: hidden values and the button as
    they are, text boxes and selects empty, no box ticked, no option chosen, no file."""
    post: dict = {}
    for field in form.fields:
        if field.name == TOKEN or field.name in post:
            continue
        if field.kind in BROWSER_SENDS_AS_IS:
            post[field.name] = field.value
        elif field.kind not in ("checkbox", "radio", "file"):
            post[field.name] = ""
    return post


def test_a_form_sent_empty_either_acts_or_says_what_is_missing(world):
    """Bad input from a real browser gets a page with an error summary (200 or 400) or a redirect
    (the form needed nothing, as for a confirm button); never the page again with no message."""
    silent = {}
    for who, form in world.crawl.forms:
        with transaction.atomic():
            response = world.client_for(who).post(form.action, empty_answers(form))
            transaction.set_rollback(True)
        status = response.status_code
        html = response.content.decode("utf-8", errors="replace") if status in (200, 400) else ""
        if status in (200, 400) and "govuk-error-summary" not in html:
            silent[form.action] = (who, status, sorted(empty_answers(form)))
        assert status < 500
    assert silent == {}
