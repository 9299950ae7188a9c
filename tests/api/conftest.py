import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()  # throttling counts live in the cache; every test starts from zero
    yield
    cache.clear()


def api_for(member) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=member.user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client
