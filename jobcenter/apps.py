from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobcenterConfig(AppConfig):
    name = "jobcenter"
    verbose_name = _("Organisation")

    def ready(self):
        from jobcenter import hardening, tables_speed, tokens  # noqa: F401 - connect their signal receivers

        tables_speed.install()
