from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and tenancy"

    def ready(self) -> None:
        from core.access import AccessRule, register_rule_check

        from .permissions import is_national_admin

        register_rule_check(
            AccessRule.NATIONAL_ADMIN, lambda request: is_national_admin(request.user)
        )
