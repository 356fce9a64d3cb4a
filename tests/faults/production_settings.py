"""Production settings for the portal served in the fault tests, changed in one way only: static
files keep their hashed names and manifest but are not pre-compressed, so collectstatic takes
seconds instead of minutes. Everything the fault tests look at is as in production."""

from maturity_portal.settings.production import *  # noqa: F403
from maturity_portal.settings.production import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
