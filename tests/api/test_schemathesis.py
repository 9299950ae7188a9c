"""Property-based run of every API operation (schemathesis), as an admin with a token.

Fixed seed and a bounded number of examples per operation, so it is repeatable and fast. It fails
on any 5xx and on any response that does not match the schema.
"""

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from jobcenter.wsgi import application
from tests.citizens.factories import make_citizen


def _served_schema():
    """The schema /api/schema/ serves (it needs a login, so it is generated here directly)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    loaded = schemathesis.openapi.from_dict(
        json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    )
    loaded.app = application
    loaded.location = "/api/schema/"
    return loaded


schema = _served_schema()


@pytest.fixture
def admin_token(keep_db_connection, ada, teams, alice):
    make_citizen(teams[0], alice, name="Fuzz Borger")
    return Token.objects.create(user=ada.user).key


@schema.parametrize()
@settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_api_never_errors_and_matches_schema(case, admin_token):
    case.call_and_validate(
        headers={"Authorization": f"Token {admin_token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
