import pytest

from jobcenter.celery import app
from tests.conftest import celery_configure


@pytest.fixture
def broker(request):
    """Point the Celery app at a broker for one test, then restore it."""
    saved = {}

    def use(url: str):
        saved.update(celery_configure(app, broker_url=url, task_always_eager=False))

    yield use
    celery_configure(app, **saved)


@pytest.mark.django_db
def test_healthz_is_public_and_ok_in_process(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}
    assert response.json()["broker_mode"] == "in-process"


@pytest.mark.django_db
def test_healthz_answers_503_naming_the_broker_when_it_is_unreachable(client, broker):
    broker("redis://127.0.0.1:1/0")  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["broker"]
    assert body["checks"]["database"] == "ok"


@pytest.mark.services
@pytest.mark.django_db
def test_healthz_ok_against_real_redis(client, broker, redis_url):
    broker(redis_url)
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["broker_mode"] == "redis"
