"""Role predicates: the one place that says what a role is. Scoping of data lives in selectors."""

from jobcenter.models import Role, StaffMember


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


def is_team_leader_or_admin(user) -> bool:
    return role_of(user) in (Role.TEAM_LEADER, Role.ADMIN)
