import pytest

from jobcenter.celery import app


@pytest.fixture
def broker(request):
    """Point the Celery app at a broker for one test, then restore it."""
    saved = {k: app.conf.get(k) for k in ("broker_url", "task_always_eager")}

    def use(url: str):
        app.conf.update(broker_url=url, task_always_eager=False)
        app.pool.force_close_all()

    yield use
    app.conf.update(**saved)
    app.pool.force_close_all()


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
