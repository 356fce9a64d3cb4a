import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories.accounts import two_tenants


@pytest.fixture
def tenants(db):
    """Two authorities (A and B) with every role each, two areas, and a national admin."""
    return two_tenants()


@pytest.fixture
def signed_in(client):
    """Sign a user in (as after password and, where they have it, two-factor) and return the
    client."""

    def sign_in(user, acting_for: str | None = None):
        client.force_login(user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
        if acting_for is not None:
            session = client.session
            session["portal_acting_for"] = acting_for
            session.save()
        return client

    return sign_in


def totp_code(device: TOTPDevice, drift: int = 0) -> str:
    """The code an authenticator app would show now (or `drift` steps later)."""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift)
    return f"{code:0{device.digits}d}"


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
