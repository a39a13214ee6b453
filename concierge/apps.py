from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConciergeConfig(AppConfig):
    name = "concierge"
    verbose_name = _("Concierge")

    def ready(self):
        from anymail.signals import inbound

        from concierge.webhooks import handle_inbound

        inbound.connect(handle_inbound, dispatch_uid="concierge.inbound_email")
