"""Everything the portal stores about one person, as JSON (a subject access request), read-only.

    DATABASE_URL=... .venv/bin/python tools/person_data.py someone@example.org > someone.json
    docker compose exec -T web python tools/person_data.py someone@example.org > someone.json

It lists the account, every row that points at the account (memberships, history entries,
evidence added, comments, notifications, reports requested, API tokens, ...), and the rows that
hold the email address as text (security events, invitations, sign-in attempts). Secrets are
left out (password hash, two-factor keys and recovery codes, token hashes). Free text that
mentions the person by name (justifications, notes, comments) cannot be found this way: search
for the name too (docs/data-protection.md). Settings come from DJANGO_SETTINGS_MODULE (default:
the local settings) and the environment, as for manage.py.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Fields never exported: secrets that let someone sign in or act as the person.
SECRET_FIELDS = {"password", "key", "token", "secret_hash", "token_hash", "session_key"}
# Rows that name a person by email address as text, not by a link to the account.
EMAIL_TEXT_FIELDS = (
    ("accounts.SecurityEvent", ("actor_email", "subject_email")),
    ("accounts.Invitation", ("email",)),
    ("axes.AccessAttempt", ("username",)),
    ("axes.AccessLog", ("username",)),
    ("axes.AccessFailureLog", ("username",)),
)


def _row(obj) -> dict:
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in SECRET_FIELDS:
            data[field.name] = "(not exported)" if getattr(obj, field.attname) else ""
            continue
        value = getattr(obj, field.attname)
        plain = isinstance(value, (int, float, bool, type(None)))
        data[field.attname] = value if plain else str(value)
    return data


def person_data(email: str) -> dict:
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session
    from django.db.models import Q
    from django.utils import timezone

    user_model = get_user_model()
    user = user_model.objects.filter(email__iexact=email).first()
    found: dict = {"email": email, "account": _row(user) if user else None, "linked": {}}
    if user is not None:
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if field.is_relation and field.related_model is user_model:
                    rows = model._default_manager.filter(**{field.name: user}).order_by("pk")
                    for obj in rows:
                        key = f"{model._meta.label}.{field.name}"
                        found["linked"].setdefault(key, []).append(_row(obj))
        sessions = 0
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
            if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
                sessions += 1
        found["open_sessions"] = sessions
    found["by_email_text"] = {}
    for label, fields in EMAIL_TEXT_FIELDS:
        model = apps.get_model(label)
        condition = Q()
        for name in fields:
            condition |= Q(**{f"{name}__iexact": email})
        rows = [_row(obj) for obj in model._default_manager.filter(condition).order_by("pk")]
        if rows:
            found["by_email_text"][label] = rows
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maturity_portal.settings.local")
    import django

    django.setup()
    print(json.dumps(person_data(argv[0]), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
