from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizensConfig(AppConfig):
    name = "citizens"
    verbose_name = _("Borgere")

    def ready(self) -> None:
        from catalogue.signals import rules_changed

        rules_changed.connect(_refresh_after_rule_change, dispatch_uid="citizens.refresh_after_rule_change")


def _refresh_after_rule_change(sender, target_groups=None, **kwargs) -> None:
    """A rule change reruns the engine only for the target groups it touched (Celery job)."""
    from citizens.tasks import refresh_group_obligations

    refresh_group_obligations.delay(sorted(target_groups) if target_groups is not None else None)
