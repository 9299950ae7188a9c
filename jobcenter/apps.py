from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobcenterConfig(AppConfig):
    name = "jobcenter"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from jobcenter import tables_speed

        tables_speed.install()
