from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and tenancy"

    def ready(self) -> None:
        from core.access import AccessRule, register_rule_check

        from . import signals  # noqa: F401 - connects the security event receivers
        from .permissions import is_national_admin, leads_area, role_in

        def acts_for_authority(request) -> bool:
            acting_for = getattr(request, "acting_for", None)
            authority = getattr(acting_for, "authority", None)
            return authority is not None and role_in(request.user, authority) is not None

        def acts_for_area(request) -> bool:
            if is_national_admin(request.user):
                return True
            acting_for = getattr(request, "acting_for", None)
            return leads_area(request.user, getattr(acting_for, "area", None))

        register_rule_check(
            AccessRule.NATIONAL_ADMIN, lambda request: is_national_admin(request.user)
        )
        register_rule_check(AccessRule.AUTHORITY, acts_for_authority)
        register_rule_check(AccessRule.AREA, acts_for_area)
