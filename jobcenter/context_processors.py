"""The navigation each role sees."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from jobcenter.models import Role
from jobcenter.perms import role_of

# (label, url name, roles that see it)
NAVIGATION = [
    (_("Forside"), "home", {Role.CASEWORKER, Role.TEAM_LEADER, Role.ADMIN}),
    (_("Arbejdsliste"), "citizens:worklist", {Role.CASEWORKER, Role.TEAM_LEADER, Role.ADMIN}),
    (_("Opret borger"), "citizens:create", {Role.CASEWORKER, Role.TEAM_LEADER, Role.ADMIN}),
    (_("Omfordeling"), "citizens:reassign", {Role.TEAM_LEADER, Role.ADMIN}),
    (_("Kapacitet"), "reports:capacity", {Role.TEAM_LEADER, Role.ADMIN}),
    (_("Regelsæt og økonomi"), "reports:comparison", {Role.TEAM_LEADER, Role.ADMIN}),
    (_("Udmøntningskatalog"), "reports:catalogue", {Role.TEAM_LEADER, Role.ADMIN}),
    (_("Ydelsesrisiko"), "reports:risk", {Role.TEAM_LEADER, Role.ADMIN}),
    (_("Regelsæt"), "catalogue:compare", {Role.ADMIN}),
    (_("Adgangslog"), "citizens:audit", {Role.ADMIN}),
    (_("Import"), "citizens:import", {Role.ADMIN}),
    (_("Administration"), "admin:index", {Role.ADMIN}),
]


def navigation(request):
    role = role_of(getattr(request, "user", None))
    items = []
    for label, name, roles in NAVIGATION:
        if role not in roles:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # the page arrives with a later feature
        items.append({"label": label, "url": url, "active": request.path == url})
    return {"nav_items": items, "user_role": role}
