"""Single sign-on with the municipality's identity provider over OpenID Connect (mozilla-django-oidc).

The provider is the source of truth for who a user is and what they may do: at every sign-in the
user's role and team are set from the provider's groups claim, through the mappings in
OIDC_ROLE_GROUPS and OIDC_TEAM_GROUPS (jobcenter/settings.py, README). A user in none of the
role groups is refused. Claims are the verified ID token's (Entra ID puts ``groups`` there) merged
with the userinfo endpoint's.
"""

import logging

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404
from django.urls import path
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from jobcenter.models import Role, StaffMember, Team

log = logging.getLogger(__name__)

# The highest mapped role wins when a user is in several role groups.
ROLE_RANK = [Role.CASEWORKER, Role.TEAM_LEADER, Role.ADMIN]


def mapped_role(groups: list[str]) -> str | None:
    roles = {settings.OIDC_ROLE_GROUPS[g] for g in groups if g in settings.OIDC_ROLE_GROUPS}
    return max(roles, key=ROLE_RANK.index) if roles else None


def mapped_teams(groups: list[str]) -> list[Team]:
    names = [settings.OIDC_TEAM_GROUPS[g] for g in groups if g in settings.OIDC_TEAM_GROUPS]
    teams = {team.name: team for team in Team.objects.filter(name__in=names)}
    missing = sorted(set(names) - set(teams))
    if missing:
        log.warning("OIDC: teams named in OIDC_TEAM_GROUPS do not exist: %s", ", ".join(missing))
    return [teams[name] for name in dict.fromkeys(names) if name in teams]


class KontaktplanOIDCBackend(OIDCAuthenticationBackend):
    def get_userinfo(self, access_token, id_token, payload):
        return {**payload, **super().get_userinfo(access_token, id_token, payload)}

    def _username(self, claims) -> str:
        return str(claims.get(settings.OIDC_USERNAME_CLAIM) or "").strip()[:150]

    def _groups(self, claims) -> list[str]:
        groups = claims.get(settings.OIDC_GROUPS_CLAIM) or []
        return [str(g) for g in groups] if isinstance(groups, list) else [str(groups)]

    def verify_claims(self, claims):
        if not self._username(claims):
            log.warning("OIDC: no %s claim; sign-in refused", settings.OIDC_USERNAME_CLAIM)
            return False
        if mapped_role(self._groups(claims)) is None:
            log.warning("OIDC: %s is in no mapped role group; sign-in refused", self._username(claims))
            return False
        return True

    def describe_user_by_claims(self, claims):
        return f"username {self._username(claims)}"

    def filter_users_by_claims(self, claims):
        return self.UserModel.objects.filter(username=self._username(claims))

    def create_user(self, claims):
        user = self.UserModel(username=self._username(claims))
        user.set_unusable_password()  # signs in through the provider only
        return self.update_user(user, claims)

    @transaction.atomic
    def update_user(self, user, claims):
        if user.pk and not user.is_active:
            raise SuspiciousOperation("deactivated user")
        groups = self._groups(claims)
        role = mapped_role(groups)
        teams = mapped_teams(groups)
        user.first_name = str(claims.get("given_name") or user.first_name)[:150]
        user.last_name = str(claims.get("family_name") or user.last_name)[:150]
        user.email = str(claims.get("email") or user.email)[:254]
        user.is_staff = user.is_superuser = role == Role.ADMIN  # Django admin for administrators only
        user.save()
        member, _ = StaffMember.objects.get_or_create(user=user, defaults={"role": role})
        member.role = role
        member.team = teams[0] if teams else None
        member.save()
        member.led_teams.set(teams if role == Role.TEAM_LEADER else [])
        return user


def _enabled(view):
    """The SSO views answer 404 until the provider is configured."""

    def wrapper(request, *args, **kwargs):
        if not settings.OIDC_ENABLED:
            raise Http404
        return view(request, *args, **kwargs)

    return login_not_required(wrapper)


urlpatterns = [
    path(
        "authenticate/",
        _enabled(OIDCAuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "callback/",
        _enabled(OIDCAuthenticationCallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
]


class LoginView(auth_views.LoginView):
    """The login page: the single sign-on button when configured, the password form unless local
    passwords are turned off (LOCAL_LOGIN=0), in which case a posted password is refused."""

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "sso_enabled": settings.OIDC_ENABLED,
            "sso_label": settings.OIDC_LOGIN_LABEL,
            "local_login": settings.LOCAL_LOGIN,
        }

    def post(self, request, *args, **kwargs):
        if not settings.LOCAL_LOGIN:
            return self.get(request, *args, **kwargs)
        return super().post(request, *args, **kwargs)
