from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "rehabdesk.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self) -> None:
        # The webhooks app sits above the apps whose events it sends and above the
        # outbox it sends them through: it hooks itself into both here.
        from rehabdesk.core.chores import chore_register
        from rehabdesk.core.events import event_listen
        from rehabdesk.notifications.choices import MessageChannel
        from rehabdesk.notifications.transports import transport_register
        from rehabdesk.webhooks.services import event_fan_out, previous_secrets_forget
        from rehabdesk.webhooks.transport import WebhookTransport

        event_listen(name="webhooks", listener=event_fan_out)
        transport_register(MessageChannel.WEBHOOK, WebhookTransport())
        # A replaced signing secret is erased once its grace ends (core/chores.py says
        # why chores are registered rather than imported).
        chore_register(
            name="webhook_previous_secrets_forget",
            label="replaced webhook secret(s) erased after their grace",
            run=lambda now: previous_secrets_forget(now=now),
        )
