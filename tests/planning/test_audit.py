"""Issue 10, finding 9 for the planning pages: every view of a citizen's booking, summons or
calendar entry is in the audit log (lists as one entry naming the citizens shown)."""

import pytest
from django.urls import reverse

from citizens.models import AuditEvent
from planning.models import Summons
from tests.conftest import client_for
from tests.planning.test_pages import book_first_slot, monday_morning, overdue  # noqa: F401

pytestmark = pytest.mark.django_db


def test_booking_and_calendar_views_are_audited(client, alice, overdue):  # noqa: F811
    client_for(client, alice)
    booking = book_first_slot(client, overdue)
    AuditEvent.objects.all().delete()
    assert client.get(reverse("planning:booking", args=[booking.pk])).status_code == 200
    viewed = AuditEvent.objects.get()
    assert (viewed.citizen, viewed.action) == (overdue, AuditEvent.Action.VIEW)
    AuditEvent.objects.all().delete()
    week = {"dato": booking.start.date().isoformat()}
    assert client.get(reverse("planning:calendar"), week).status_code == 200
    listed = AuditEvent.objects.get()
    assert listed.action == AuditEvent.Action.EXPORT and listed.details["citizens"] == [overdue.pk]


def test_summons_page_and_pdf_are_audited_and_the_letter_styles_are_allowed_by_hash(
    client, alice, overdue  # noqa: F811
):
    client_for(client, alice)
    booking = book_first_slot(client, overdue)
    client.post(reverse("planning:summons_issue", args=[booking.pk]))
    summons = Summons.objects.get(booking=booking)
    AuditEvent.objects.all().delete()
    page = client.get(reverse("planning:summons", args=[summons.pk]))
    policy = page["Content-Security-Policy"]
    assert "'sha256-" in policy and "unsafe-inline" not in policy
    assert client.get(reverse("planning:summons_pdf", args=[summons.pk])).status_code == 200
    events = AuditEvent.objects.filter(citizen=overdue, action=AuditEvent.Action.VIEW)
    assert [e.details["summons"] for e in events] == [summons.pk, summons.pk]  # the page, the PDF
