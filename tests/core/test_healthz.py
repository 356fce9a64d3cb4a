from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse


@pytest.mark.django_db
def test_healthz_reports_database_ok_and_eager_broker(client, settings):
    settings.CELERY_BROKER_URL = ""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "eager"}
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_healthz_reports_an_unreachable_broker_without_failing(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200
    assert response.json()["broker"] == "unreachable"
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_healthz_reports_a_reachable_broker(client, settings, redis_broker_url):
    settings.CELERY_BROKER_URL = redis_broker_url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get(reverse("core:healthz"))
    assert response.json()["broker"] == "ok"


@pytest.mark.django_db
def test_healthz_gives_503_when_the_database_does_not_answer(client):
    with mock.patch(
        "core.health.connection.cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get(reverse("core:healthz"))
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
    assert response.json()["database"] == "unreachable"
