"""The navigation is built once per request: a template rendered with the request (a table's
template column renders one per row) runs every context processor again."""

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from jobcenter import context_processors


def test_the_menu_is_built_once_per_request_and_again_when_the_user_changes(alice, monkeypatch):
    built = []
    real = context_processors._navigation
    monkeypatch.setattr(context_processors, "_navigation", lambda *a: built.append(1) or real(*a))
    request = RequestFactory().get("/borgere/")
    request.user = AnonymousUser()
    assert context_processors.navigation(request)["nav_items"] == []
    request.user = alice.user  # signed in during the request
    first = context_processors.navigation(request)
    for _ in range(50):
        assert context_processors.navigation(request) is first
    assert len(built) == 2
    assert [str(i["label"]) for i in first["nav_items"] if i["active"]] == ["Arbejdsliste"]
