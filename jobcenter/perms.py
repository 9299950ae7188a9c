"""Role predicates: the one place that says what a role is. Scoping of data lives in selectors."""

from django.db.models import Q, QuerySet

from jobcenter.models import Role, StaffMember, Team


def staff_member_of(user) -> StaffMember | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.staff_member
    except StaffMember.DoesNotExist:
        return None


def role_of(user) -> str | None:
    """The user's role; a superuser without a staff record counts as admin."""
    member = staff_member_of(user)
    if member is not None:
        return member.role
    if getattr(user, "is_superuser", False):
        return Role.ADMIN
    return None


def is_admin(user) -> bool:
    return role_of(user) == Role.ADMIN


class AdminOnly:
    """ModelAdmin mixin: only role admin (or a superuser) sees and edits these admin pages,
    whatever Django's model permissions say."""

    def has_module_permission(self, request):
        return is_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_admin(request.user)

    def has_add_permission(self, request, *args):
        return is_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_admin(request.user)


def is_team_leader_or_admin(user) -> bool:
    return role_of(user) in (Role.TEAM_LEADER, Role.ADMIN)


def teams_visible_to(user) -> QuerySet[Team]:
    """The teams whose citizens the user may see: a caseworker their own, a team leader the teams
    they lead and their own, an admin all."""
    role = role_of(user)
    if role == Role.ADMIN:
        return Team.objects.all()
    member = staff_member_of(user)
    if member is None:
        return Team.objects.none()
    if role == Role.TEAM_LEADER:
        return Team.objects.filter(Q(leaders=member) | Q(pk=member.team_id)).distinct()
    return Team.objects.filter(pk=member.team_id)


def team_ids_visible_to(user) -> list[int]:
    """The ids of ``teams_visible_to(user)``; a caseworker's own team without a query (every
    page scopes its citizens by these)."""
    role = role_of(user)
    member = staff_member_of(user)
    if member is not None and role not in (Role.ADMIN, Role.TEAM_LEADER):
        return [member.team_id] if member.team_id is not None else []
    return list(teams_visible_to(user).values_list("pk", flat=True))
