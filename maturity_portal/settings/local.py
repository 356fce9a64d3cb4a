"""The embedded default (`make run`): SQLite, eager tasks, console email, demo data allowed."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
PORTAL_ENVIRONMENT = "local"
