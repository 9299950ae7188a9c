"""Reads, scoped to what the user may see. Every list, page, form, export and API goes through here.

A caseworker sees the citizens of their own team, a team leader those of the teams they lead
(and their own), an admin everyone. Anonymised citizens are never listed.
"""

from django.db.models import QuerySet
from django.http import Http404

from citizens.models import AuditEvent, Citizen
from jobcenter.models import Role, StaffMember
from jobcenter.perms import role_of, teams_visible_to


def citizen_list_for(user) -> QuerySet[Citizen]:
    citizens = Citizen.objects.filter(anonymised_at__isnull=True)
    if role_of(user) == Role.ADMIN:
        return citizens
    return citizens.filter(team__in=teams_visible_to(user))


def citizen_get_for(user, pk: int) -> Citizen:
    """The citizen, or 404 when the user may not see it (never reveal that it exists)."""
    try:
        return (
            citizen_list_for(user)
            .select_related("team", "caseworker__user", "current_target_group")
            .get(pk=pk)
        )
    except (Citizen.DoesNotExist, ValueError, TypeError):
        raise Http404("Borgeren findes ikke.") from None


def caseworkers_visible_to(user) -> QuerySet[StaffMember]:
    return (
        StaffMember.objects.filter(
            team__in=teams_visible_to(user), role__in=[Role.CASEWORKER, Role.TEAM_LEADER]
        )
        .select_related("user", "team")
        .order_by("team__name", "user__first_name", "user__last_name")
    )


def audit_events_for(user) -> QuerySet[AuditEvent]:
    if role_of(user) != Role.ADMIN:
        return AuditEvent.objects.none()
    return AuditEvent.objects.select_related("user", "citizen")
