from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from jobcenter.tokens import token_expires_at

admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class ExpiringTokenAdmin(TokenAdmin):
    """API tokens with when they expire and when (and from where) they were last used."""

    list_display = ("key", "user", "created", "expires", "last_used_at", "last_used_from")
    list_select_related = ("user", "use")

    @admin.display(description=_("udløber"))
    def expires(self, obj):
        return token_expires_at(obj)

    @admin.display(description=_("senest brugt"), ordering="use__last_used_at")
    def last_used_at(self, obj):
        use = getattr(obj, "use", None)
        return use.last_used_at if use else None

    @admin.display(description=_("senest brugt fra"))
    def last_used_from(self, obj):
        use = getattr(obj, "use", None)
        return use.last_used_from if use else None
