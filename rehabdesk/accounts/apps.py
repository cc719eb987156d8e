from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "rehabdesk.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        # Sign-ins, failures and lockouts on the audit trail.
        from axes.signals import user_locked_out

        from rehabdesk.accounts import signals

        user_locked_out.connect(
            signals.sign_in_locked_out, dispatch_uid="rehabdesk.accounts.sign_in_locked_out"
        )
