import pytest


@pytest.fixture
def frozen_clock():
    """The real clock here: the OIDC provider is another process that signs tokens with the real
    time, and the client checks their issue and expiry times against its own clock."""
    yield None
