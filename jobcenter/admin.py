"""The organisation in the Django admin (teams, staff, absences), API tokens, and the admin site's
own texts.

Only role admin (or a superuser) sees these pages, like the catalogue. The site is titled in Danish;
third-party apps (django-axes, DRF tokens) get Danish names here, their models' names come from
``locale/da`` (see ``jobcenter/third_party_strings.py``).
"""

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from jobcenter.models import Absence, StaffMember, Team
from jobcenter.perms import AdminOnly
from jobcenter.tokens import token_expires_at

admin.site.site_header = _("Kontaktplan – administration")
admin.site.site_title = _("Kontaktplan – administration")
admin.site.index_title = _("Administration")

# An app's verbose_name is not part of any migration state, so renaming it here is safe (a
# model's verbose_name is, which is why those are translated in locale/da instead).
THIRD_PARTY_APP_NAMES = {"axes": _("Loginforsøg og spærringer"), "authtoken": _("API-adgang")}
for app_config in apps.get_app_configs():
    if app_config.label in THIRD_PARTY_APP_NAMES:
        app_config.verbose_name = THIRD_PARTY_APP_NAMES[app_config.label]


class AbsenceInline(admin.TabularInline):
    model = Absence
    extra = 0
    fields = ("start", "end", "reason")


@admin.register(Team)
class TeamAdmin(AdminOnly, admin.ModelAdmin):
    list_display = ("name", "leader_names", "member_count")
    search_fields = ("name",)
    filter_horizontal = ("leaders",)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("leaders__user", "members")

    @admin.display(description=_("teamledere"))
    def leader_names(self, obj):
        return ", ".join(str(leader) for leader in obj.leaders.all()) or "–"

    @admin.display(description=_("medarbejdere"))
    def member_count(self, obj):
        return len(obj.members.all())


@admin.register(StaffMember)
class StaffMemberAdmin(AdminOnly, admin.ModelAdmin):
    list_display = ("__str__", "username", "role", "team", "weekly_hours", "casework_share")
    list_filter = ("role", "team")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    list_select_related = ("user", "team")
    inlines = [AbsenceInline]

    @admin.display(description=_("brugernavn"), ordering="user__username")
    def username(self, obj):
        return obj.user.get_username()


@admin.register(Absence)
class AbsenceAdmin(AdminOnly, admin.ModelAdmin):
    list_display = ("staff_member", "start", "end", "reason")
    list_filter = ("staff_member__team",)
    search_fields = ("staff_member__user__first_name", "staff_member__user__last_name", "reason")
    date_hierarchy = "start"
    list_select_related = ("staff_member__user",)


User = get_user_model()


class KontaktplanUserAdmin(UserAdmin):
    """Django's user admin, with the login timestamps read-only: they are set by logging in, and
    their split date/time inputs have no label of their own (axe)."""

    readonly_fields = ("last_login", "date_joined")


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, KontaktplanUserAdmin)


# --- API tokens ----------------------------------------------------------------------------

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
