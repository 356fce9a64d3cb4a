"""Locust users for ``benchmarks/load_test.py`` (run it, not this file: it prepares the database,
the accounts, gunicorn, Redis and the Celery worker this file expects).

Users (the run picks the classes by name):

- ``OfficerUser``: signs in with a password, then in a loop opens the assessment's task list,
  opens a dimension page, reads the form's ``revision``, CSRF token and statements, saves it with
  new ratings and notes ("Save and come back later", ``action=later``), and every third round
  opens the upload page and uploads a small text file as evidence. Each officer works on their
  own authority's assessment, so no save can meet another's: a conflict page ("out of date") is
  counted as an error, not as an expected outcome.
- ``AreaLeadUser``: signs in with a password and a TOTP code (production settings require
  two-factor authentication for area leads; the run gives each area lead an authenticator key),
  then in a loop opens the area dashboard, the dashboard filtered to submitted assessments, and
  the review page of one submitted assessment.
- ``HealthzUser``: requests ``/healthz`` with the same pauses (the baseline phase).
- ``HealthzProbeUser``: one extra user requesting ``/healthz`` twice a second during the journey.

Settings come from the environment: ``LOAD_ACCOUNTS`` (JSON written by the run), ``LOAD_OUTPUT``
(where this file writes what it sent and every request's time when the test stops),
``LOAD_DURATION`` (seconds measured once every user has signed in; the test then stops itself),
``LOAD_WAIT`` ("min,max" seconds of thinking between pages) and ``LOAD_UPLOAD_EVERY``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import random
import re
import struct
import time
from typing import Any

import gevent
from locust import HttpUser, between, constant_pacing, events, task
from requests.cookies import RequestsCookieJar

ACCOUNTS: dict[str, Any] = json.loads(
    open(os.environ["LOAD_ACCOUNTS"], encoding="utf-8").read()  # noqa: SIM115 - read once
)
OUTPUT = os.environ.get("LOAD_OUTPUT", "")
DURATION = float(os.environ.get("LOAD_DURATION", "120"))
WAIT_MIN, WAIT_MAX = (float(x) for x in os.environ.get("LOAD_WAIT", "1,3").split(","))
UPLOAD_EVERY = int(os.environ.get("LOAD_UPLOAD_EVERY", "3"))
RATINGS = ("not_at_all", "partly", "fully")

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')
REVISION_INPUT = re.compile(r'<input[^>]*name="revision"[^>]*value="(\d+)"')
STATEMENT_INPUT = re.compile(r'name="statement_(\d+)"')
CONFLICT_TEXT = "changed this dimension while you were editing it"

# What was sent and answered, and every request's time; written at the end (LOAD_OUTPUT).
LEDGER: dict[str, list] = {"saves": [], "uploads": [], "requests": [], "unknown": []}
STATE = {"signed_in": 0, "gave_up": 0, "expected": 0, "measure_from": None, "measure_until": None}
_officers = list(ACCOUNTS.get("officers", []))
_area_leads = list(ACCOUNTS.get("area_leads", []))


class LocalCookieJar(RequestsCookieJar):
    """The production settings set Secure, __Host- cookies (HTTPS is terminated by the reverse
    proxy, simulated with X-Forwarded-Proto): keep them without the Secure flag, so they go back
    to 127.0.0.1 over plain HTTP."""

    def set_cookie(self, cookie, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
        cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


def totp(hex_key: str, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 code, as an authenticator app shows it (django-otp's TOTP defaults)."""
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(bytes.fromhex(hex_key), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return f"{code:0{digits}d}"


def think() -> None:
    gevent.sleep(random.uniform(WAIT_MIN, WAIT_MAX))  # noqa: S311 - pacing, not security


@events.request.add_listener
def _record(request_type, name, response_time, response_length, exception, **kwargs) -> None:  # noqa: ANN001, ARG001
    LEDGER["requests"].append(
        [name, round(response_time, 3), time.time(), None if exception is None else str(exception)]
    )


@events.test_start.add_listener
def _start(environment, **kwargs) -> None:  # noqa: ANN001, ARG001
    """Stop the test DURATION seconds after every user has signed in."""
    STATE["expected"] = (
        int(environment.parsed_options.num_users or 0) if environment.parsed_options else 0
    )

    def timekeeper() -> None:
        while STATE["signed_in"] + STATE["gave_up"] < STATE["expected"]:
            gevent.sleep(0.2)
        STATE["measure_from"] = time.time()
        gevent.sleep(DURATION)
        STATE["measure_until"] = time.time()
        environment.runner.quit()

    gevent.spawn(timekeeper)


@events.test_stop.add_listener
def _stop(environment, **kwargs) -> None:  # noqa: ANN001, ARG001
    if STATE["measure_until"] is None:
        STATE["measure_until"] = time.time()
    if OUTPUT:
        with open(OUTPUT, "w", encoding="utf-8") as handle:
            json.dump({**LEDGER, "state": STATE}, handle)


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(0, 0)  # each task paces itself with think()

    def on_start(self) -> None:
        self.client.cookies = LocalCookieJar()
        origin = "https://" + self.host.split("://", 1)[1].rstrip("/")
        self.origin = origin
        self.client.headers.update(
            {"X-Forwarded-Proto": "https", "User-Agent": "portal-load-test/1"}
        )

    def post_form(self, path: str, data, *, name: str, files=None):  # noqa: ANN001
        return self.client.post(
            path,
            data=data,
            files=files,
            name=name,
            allow_redirects=False,
            catch_response=True,
            headers={"Origin": self.origin, "Referer": self.origin + path},
        )

    def sign_in(self, email: str, password: str) -> str:
        """Password step; returns where the portal sends the user next."""
        with self.client.get(
            "/accounts/sign-in/", name="sign in (page)", catch_response=True
        ) as response:
            token = CSRF_INPUT.search(response.text or "")
            if response.status_code != 200 or not token:
                response.failure(f"sign-in page: status {response.status_code}")
                raise RuntimeError("no sign-in page")
        form = {"csrfmiddlewaretoken": token.group(1), "username": email, "password": password}
        with self.post_form("/accounts/sign-in/", form, name="sign in (password)") as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or location.endswith("/accounts/sign-in/"):
                response.failure(f"password refused: status {response.status_code}")
                raise RuntimeError(f"{email} could not sign in")
            response.success()
        return location

    def signed_in(self) -> None:
        STATE["signed_in"] += 1


class HealthzUser(HttpUser):
    """The baseline: /healthz with the same pauses as the journey's pages."""

    wait_time = between(WAIT_MIN, WAIT_MAX)

    def on_start(self) -> None:
        STATE["signed_in"] += 1

    @task
    def healthz(self) -> None:
        with self.client.get("/healthz", name="/healthz", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")


class HealthzProbeUser(HttpUser):
    """One probe on /healthz during the journey (shown for context)."""

    fixed_count = 1
    wait_time = constant_pacing(0.5)

    def on_start(self) -> None:
        STATE["signed_in"] += 1

    @task
    def healthz(self) -> None:
        with self.client.get(
            "/healthz", name="/healthz (probe during the journey)", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")


class OfficerUser(PortalUser):
    weight = 1

    def on_start(self) -> None:
        super().on_start()
        account = _officers.pop(0)
        self.email = account["email"]
        self.assessment = account["assessment"]
        self.dimensions = ACCOUNTS["dimensions"]
        self.rng = random.Random(self.email)  # noqa: S311 - synthetic answers
        self.round = 0
        try:
            self.sign_in(self.email, ACCOUNTS["password"])
        except Exception:
            STATE["gave_up"] += 1
            raise
        self.signed_in()

    @task
    def journey(self) -> None:
        self.round += 1
        base = f"/assessments/{self.assessment}/"
        with self.client.get(base, name="task list", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
        think()
        key = self.dimensions[(self.round + hash(self.email)) % len(self.dimensions)]
        self.save_dimension(key)
        if self.round % UPLOAD_EVERY == 0:
            think()
            self.upload(key)
        think()

    def save_dimension(self, key: str) -> None:
        path = f"/assessments/{self.assessment}/dimensions/{key}/"
        with self.client.get(path, name="dimension page", catch_response=True) as response:
            page = response.text or ""
            revision = REVISION_INPUT.search(page)
            token = CSRF_INPUT.search(page)
            statements = list(dict.fromkeys(STATEMENT_INPUT.findall(page)))
            if response.status_code != 200 or not (revision and token and statements):
                response.failure(f"status {response.status_code} or no ratings form")
                return
        think()
        ratings = {pk: self.rng.choice(RATINGS) for pk in statements}
        notes = f"Saved by {self.email}, round {self.round}, at {time.time():.3f}."
        form = [
            ("csrfmiddlewaretoken", token.group(1)),
            ("revision", revision.group(1)),
            ("notes", notes),
            ("action", "later"),
        ] + [(f"statement_{pk}", value) for pk, value in ratings.items()]
        record = {
            "assessment": self.assessment,
            "dimension": key,
            "revision_sent": int(revision.group(1)),
            "ratings": ratings,
            "notes": notes,
        }
        try:
            with self.post_form(path, form, name="dimension save") as response:
                location = response.headers.get("Location", "")
                if response.status_code == 302 and location.rstrip("/").endswith(
                    f"/assessments/{self.assessment}"
                ):
                    response.success()
                    LEDGER["saves"].append(record)
                elif response.status_code == 200 and CONFLICT_TEXT in (response.text or ""):
                    response.failure("conflict: refused as out of date")
                else:
                    response.failure(f"not saved: status {response.status_code}")
                    if response.status_code == 0 or response.status_code >= 500:
                        LEDGER["unknown"].append(record)
        except Exception:  # noqa: BLE001 - the answer never came: it may or may not be stored
            LEDGER["unknown"].append(record)
            raise

    def upload(self, key: str) -> None:
        path = f"/assessments/{self.assessment}/dimensions/{key}/evidence/add/file/"
        with self.client.get(path, name="evidence upload page", catch_response=True) as response:
            token = CSRF_INPUT.search(response.text or "")
            if response.status_code != 200 or not token:
                response.failure(f"status {response.status_code} or no form")
                return
        think()
        lines = [
            f"Evidence {self.email} round {self.round} line {n}: "
            + " ".join(
                self.rng.choice(("data", "sharing", "protocol", "family", "review"))
                for _ in range(12)
            )  # fmt: skip
            for n in range(400)
        ]
        content = ("\n".join(lines) + "\n").encode()
        title = f"Evidence {self.round} from {self.email}"
        data = {
            "csrfmiddlewaretoken": token.group(1),
            "title": title,
            "description": "A protocol signed with partners.",
            "no_personal_data_confirmed": "on",
        }
        files = {"file": (f"protocol-{self.round}.txt", content, "text/plain")}
        record = {
            "assessment": self.assessment,
            "dimension": key,
            "title": title,
            "sha256": hashlib.sha256(content).hexdigest(),
            "size": len(content),
        }
        with self.post_form(path, data, name="evidence upload", files=files) as response:
            location = response.headers.get("Location", "")
            if response.status_code == 302 and f"/dimensions/{key}/" in location:
                response.success()
                LEDGER["uploads"].append(record)
            else:
                response.failure(f"not uploaded: status {response.status_code}")


class AreaLeadUser(PortalUser):
    fixed_count = int(os.environ.get("LOAD_AREA_LEADS", "0"))

    def on_start(self) -> None:
        super().on_start()
        account = _area_leads.pop(0)
        self.reviews = account["reviews"]
        try:
            self.sign_in_with_code(account)
        except Exception:
            STATE["gave_up"] += 1
            raise
        self.signed_in()

    def sign_in_with_code(self, account: dict) -> None:
        location = self.sign_in(account["email"], ACCOUNTS["password"])
        if "/security-code/" not in location:
            raise RuntimeError(f"no two-factor step for {account['email']}: {location}")
        with self.client.get(
            location, name="sign in (security code page)", catch_response=True
        ) as response:
            token = CSRF_INPUT.search(response.text or "")
            if response.status_code != 200 or not token:
                response.failure(f"status {response.status_code}")
                raise RuntimeError("no security code page")
        form = {"csrfmiddlewaretoken": token.group(1), "code": totp(account["totp_key"])}
        path = location.split("://", 1)[-1]
        path = path[path.index("/") :] if "://" in location else location
        with self.post_form(path, form, name="sign in (security code)") as response:
            if response.status_code != 302 or "security-code" in response.headers.get(
                "Location", ""
            ):
                response.failure(f"code refused: status {response.status_code}")
                raise RuntimeError("two-factor failed")
            response.success()

    @task
    def dashboard(self) -> None:
        for path, name in (
            ("/review/", "area dashboard"),
            ("/review/?status=submitted&sort=self&dir=desc", "area dashboard (filtered)"),
        ):
            with self.client.get(path, name=name, catch_response=True) as response:
                if response.status_code != 200 or "govuk-table" not in (response.text or ""):
                    response.failure(f"status {response.status_code} or no table")
            think()
        if self.reviews:
            pk = random.choice(self.reviews)  # noqa: S311
            with self.client.get(
                f"/review/{pk}/", name="review page", catch_response=True
            ) as response:
                if response.status_code != 200:
                    response.failure(f"status {response.status_code}")
            think()
