"""The navigation each role sees."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jobcenter.models import Role
from jobcenter.perms import role_of

# (label, url name, roles that see it)
NAVIGATION = [
    (_("Forside"), "home", {Role.CASEWORKER, Role.TEAM_LEADER, Role.ADMIN}),
    (_("Arbejdsliste"), "citizens:worklist", {Role.CASEWORKER, Role.TEAM_LEADER, Role.ADMIN}),
    (_("Opret borger"), "citizens:create", {Role.CASEWORKER, Role.TEAM_LEADER, Role.ADMIN}),
    (_("Kalender"), "planning:calendar", {Role.CASEWORKER, Role.TEAM_LEADER, Role.ADMIN}),
    (_("Omfordeling"), "citizens:reassign", {Role.TEAM_LEADER, Role.ADMIN}),
    # The reports share a sub-navigation on their pages; one entry here keeps the menu short.
    (_("Rapporter"), "reports:capacity", {Role.TEAM_LEADER, Role.ADMIN}),
    (_("Regelsæt"), "catalogue:compare", {Role.ADMIN}),
    (_("Adgangslog"), "citizens:audit", {Role.ADMIN}),
    (_("Import"), "citizens:import", {Role.ADMIN}),
    (_("Administration"), "admin:index", {Role.ADMIN}),
]


def navigation(request):
    """The menu for the request's user, built once per request: a template rendered with the
    request (a table's template column renders one per row) runs every context processor again."""
    user = getattr(request, "user", None)
    role = role_of(user)
    key = (id(user), role, request.path)  # a sign-in or sign-out within the request starts afresh
    cached = getattr(request, "_kontaktplan_navigation", None)
    if cached is None or cached[0] != key:
        cached = request._kontaktplan_navigation = (key, _navigation(request, role))
    return cached[1]


def _navigation(request, role):
    items = []
    for label, name, roles in NAVIGATION:
        if role not in roles:
            continue
        url = reverse(name)
        section = url.rsplit("/", 2)[0] + "/" if name.startswith("reports:") else url
        items.append({"label": label, "url": url, "section": section, "active": False})
    # The current page belongs to the item with the longest matching section.
    matches = [i for i in items if request.path == i["section"] or (
        i["section"] != "/" and request.path.startswith(i["section"]))]
    if matches:
        max(matches, key=lambda i: len(i["section"]))["active"] = True
    return {"nav_items": items, "user_role": role}
