"""API tokens that expire (API_TOKEN_DAYS after issue), record their last use, and are revoked
when their user is deactivated."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from jobcenter.models import ApiTokenUse

USE_WRITE_INTERVAL = timedelta(minutes=1)


class TokenExpired(exceptions.AuthenticationFailed):
    default_detail = "API-nøglen er udløbet."
    specific_message = "API-nøglen er udløbet. Bed en administrator om en ny."  # shown in the error body


def token_expires_at(token: Token):
    days = settings.API_TOKEN_DAYS
    return token.created + timedelta(days=days) if days else None


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)  # unknown key or inactive user: 401
        now = timezone.now()
        expires = token_expires_at(token)
        if expires is not None and now >= expires:
            raise TokenExpired()
        request = getattr(self, "_request", None)
        address = request.META.get("REMOTE_ADDR") if request is not None else None
        use = ApiTokenUse.objects.filter(token=token).first()
        if use is None or now - use.last_used_at >= USE_WRITE_INTERVAL or use.last_used_from != address:
            ApiTokenUse.objects.update_or_create(
                token=token, defaults={"last_used_at": now, "last_used_from": address}
            )
        return user, token

    def authenticate(self, request):
        self._request = request
        return super().authenticate(request)


@receiver(pre_save, sender=get_user_model())
def revoke_tokens_of_deactivated(sender, instance, **kwargs):
    """A deactivated user's API token stops working at once and is not revived by reactivation."""
    if instance.pk and not instance.is_active:
        Token.objects.filter(user_id=instance.pk).delete()
