import pytest

from tests.factories.frameworks import SHIPPED_FRAMEWORK_PATH, shipped_framework_version


@pytest.fixture
def shipped_bytes() -> bytes:
    return SHIPPED_FRAMEWORK_PATH.read_bytes()


@pytest.fixture
def shipped_version(db):
    return shipped_framework_version()


@pytest.fixture
def national_admin(db):
    from accounts.models import User

    return User.objects.create_user(
        email="admin@example.org", password="a-long-test-password", is_national_admin=True
    )


@pytest.fixture
def ordinary_user(db):
    from accounts.models import User

    return User.objects.create_user(email="officer@example.org", password="a-long-test-password")


@pytest.fixture
def admin_client(client, national_admin):
    client.force_login(national_admin)
    return client
