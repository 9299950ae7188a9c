import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from citizens import views
from tests.citizens.factories import make_citizen
from tests.conftest import client_for


def queries_for_worklist(client, per_page, monkeypatch) -> tuple[int, int]:
    monkeypatch.setattr(views, "PAGE_SIZE", per_page)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("citizens:worklist"), {"scope": "team"})
    assert response.status_code == 200
    return len(ctx.captured_queries), len(response.context["table"].page.object_list)


def test_query_count_does_not_grow_with_page_size(client, alice, teams, monkeypatch):
    for i in range(12):
        make_citizen(teams[0], alice, name=f"Borger Nummer{i}")
    client_for(client, alice)
    small, rows_small = queries_for_worklist(client, 3, monkeypatch)
    large, rows_large = queries_for_worklist(client, 12, monkeypatch)
    assert (rows_small, rows_large) == (3, 12)
    assert small == large


def test_default_sort_is_by_due_date_and_saved_filters_work(client, alice, bob, teams):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    late = make_citizen(teams[0], alice, name="Anna Overskredet", start=today - timedelta(days=40))
    fresh = make_citizen(teams[0], alice, name="Bent Ny", start=today - timedelta(days=1))
    client_for(client, alice)
    rows = [r.record.pk for r in client.get(reverse("citizens:worklist")).context["table"].rows]
    assert rows == [late.pk, fresh.pk]
    overdue = client.get(reverse("citizens:worklist"), {"scope": "mine", "status": "overdue"})
    assert [r.record.pk for r in overdue.context["table"].rows] == [late.pk]
    week = client.get(reverse("citizens:worklist"), {"scope": "mine", "status": "week"})
    assert late.pk in [r.record.pk for r in week.context["table"].rows]


@pytest.mark.parametrize(
    "fmt, content_type", [("csv", "text/csv"), ("xlsx", "application/vnd.openxmlformats")]
)
def test_export_is_exactly_the_filtered_list(client, alice, teams, fmt, content_type):
    make_citizen(teams[0], alice, name="Eva Eksport")
    make_citizen(teams[0], alice, name="Frode Filtreret")
    client_for(client, alice)
    response = client.get(reverse("citizens:worklist"), {"q": "Eva", "_export": fmt})
    assert response["Content-Type"].startswith(content_type)
    if fmt == "csv":
        body = response.content.decode()
        assert "Eva Eksport" in body and "Frode" not in body
