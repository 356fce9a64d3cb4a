"""Permission predicates, one per action. Views and templates call the same predicate."""

from typing import Any


def is_national_admin(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and user.is_national_admin
    )
