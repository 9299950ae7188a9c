"""A Python client generated from the schema (openapi-python-client) drives a caseworker's and a
team leader's scenario end to end: create a citizen, change target group, register contacts, read
obligations, start a forecast and poll it. Proves the schema is good enough to generate from."""

import importlib
import os
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.authtoken.models import Token

from jobcenter.wsgi import application

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="session")
def generated_client(tmp_path_factory):
    generator = Path(sys.executable).parent / "openapi-python-client"
    if not generator.exists() and not shutil.which("openapi-python-client"):
        pytest.skip("needs openapi-python-client (requirements-dev.txt)")
    root = tmp_path_factory.mktemp("client")
    schema = root / "schema.yml"
    call_command("spectacular", "--file", str(schema))
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    subprocess.run(
        [str(generator) if generator.exists() else "openapi-python-client", "generate", "--path", str(schema),
         "--output-path", str(root / "kontaktplan_client"), "--meta", "none"],
        check=True, capture_output=True, env=env, timeout=120,
    )
    sys.path.insert(0, str(root))
    yield importlib.import_module("kontaktplan_client")
    sys.path.remove(str(root))


def _client(pkg, member):
    token = Token.objects.create(user=member.user).key
    return pkg.AuthenticatedClient(
        base_url="http://testserver",
        token=token,
        prefix="Token",
        httpx_args={"transport": httpx.WSGITransport(app=application)},
        raise_on_unexpected_status=True,
    )


def test_scenario_through_the_generated_client(
    generated_client, keep_db_connection, teams, alice, lea, django_capture_on_commit_callbacks
):
    from catalogue.economy import load_demo_economy

    load_demo_economy()
    pkg = generated_client
    citizens = importlib.import_module("kontaktplan_client.api.citizens")
    forecasts = importlib.import_module("kontaktplan_client.api.forecasts")
    models = importlib.import_module("kontaktplan_client.models")
    for name in ("v1_citizens_create", "v1_enrolments_create", "v1_contacts_create", "v1_obligations_list",
                 "v1_citizens_partial_update", "v1_citizens_retrieve"):
        importlib.import_module(f"kontaktplan_client.api.citizens.{name}")
    for name in ("v1_forecasts_create", "v1_forecasts_retrieve"):
        importlib.import_module(f"kontaktplan_client.api.forecasts.{name}")
    caseworker = _client(pkg, alice)
    today = timezone.localdate()

    created = citizens.v1_citizens_create.sync_detailed(
        client=caseworker,
        body=models.CitizenCreateRequest(
            cpr="010190-1234", first_name="Gen", last_name="Klient", team=teams[0].pk,
            caseworker=alice.pk, target_group="kh-jobparat", start=today - timedelta(days=60),
        ),
    )
    assert created.status_code == 201
    citizen = created.parsed
    assert citizen.cpr == "010190-xxxx"

    moved = citizens.v1_enrolments_create.sync_detailed(
        client=caseworker,
        body=models.EnrolmentTransferRequest(
            citizen=citizen.id, target_group="kh-aktivitetsparat", start=today - timedelta(days=20)
        ),
    )
    assert moved.status_code == 201 and moved.parsed.target_group == "kh-aktivitetsparat"
    owed = citizens.v1_obligations_list.sync(client=caseworker, citizen=citizen.id)
    assert owed.results and all(o.citizen == citizen.id for o in owed.results)

    for days_ago in (15, 5):
        contact = citizens.v1_contacts_create.sync_detailed(
            client=caseworker,
            body=models.ContactCreateRequest(
                citizen=citizen.id, date=today - timedelta(days=days_ago),
                kind=models.ContactKindEnum("jobsamtale"), channel=models.ChannelEnum("fremmoede"),
            ),
        )
        assert contact.status_code == 201

    after = citizens.v1_obligations_list.sync(client=caseworker, citizen=citizen.id)
    assert len(after.results) < len(owed.results)  # the contacts met some of them

    fresh = citizens.v1_citizens_retrieve.sync(client=caseworker, id=citizen.id)
    edit = models.PatchedCitizenUpdateRequest(version=fresh.version, first_name="Genny")
    patch = citizens.v1_citizens_partial_update.sync_detailed
    assert patch(client=caseworker, id=citizen.id, body=edit).parsed.version == fresh.version + 1
    response = patch(client=caseworker, id=citizen.id, body=edit)  # the same, now stale, version
    assert response.status_code == 409
    assert response.parsed.error.status == 409

    leader = _client(pkg, lea)

    with django_capture_on_commit_callbacks(execute=True):
        started = forecasts.v1_forecasts_create.sync_detailed(
            client=leader, body=models.ForecastRequestRequest(months=models.MonthsEnum(12))
        )
    assert started.status_code == 202
    job = started.parsed
    assert started.headers["location"] == job.url
    polled = forecasts.v1_forecasts_retrieve.sync(client=leader, id=job.id)
    assert polled.status.value == "done" and polled.progress == 100
