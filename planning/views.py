"""Planning pages. Thin: access through selectors, writes through services, slots in the pure finder."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from citizens import selectors as citizen_selectors
from citizens.audit import audit_citizens_shown
from citizens.models import AuditEvent
from citizens.services import audit_log
from jobcenter.hardening import allow_inline_styles_of
from jobcenter.perms import is_team_leader_or_admin
from planning import feeds, reports, selectors, services
from planning.models import Booking, CalendarFeed, Room, Summons


def _errors(exc: ValidationError) -> list[str]:
    return (
        [m for messages_ in exc.message_dict.values() for m in messages_]
        if hasattr(exc, "error_dict")
        else exc.messages
    )


def _panel(request, template: str, context: dict, status: int = 200):
    """htmx: the panel alone (worklist, citizen page); otherwise a full page."""
    context["source"] = request.GET.get("from") or request.POST.get("from") or "page"
    if request.htmx:
        return render(request, template, context, status=status)
    return render(request, "planning/page.html", {**context, "panel": template}, status=status)


# --- booking ---------------------------------------------------------------------------------


def book(request, pk: int):
    """Propose the first free slots before the obligation's deadline; one click books one."""
    citizen = citizen_selectors.citizen_get_for(request.user, pk)
    obligation_id = request.GET.get("obligation") or request.POST.get("obligation")
    obligation = selectors.obligation_for(citizen, obligation_id)
    if obligation_id and obligation is None:
        raise Http404(_("Kontaktkravet findes ikke."))
    channel = request.GET.get("channel") or request.POST.get("channel")
    if channel not in (None, "") and channel not in dict(Booking._meta.get_field("channel").choices):
        channel = None
    errors: list[str] = []
    if request.method == "POST":
        try:
            start = datetime.fromisoformat(request.POST.get("start", ""))
            if timezone.is_naive(start):
                raise ValueError
        except ValueError:
            errors.append(_("Vælg en af de foreslåede tider."))
        else:
            room_id = request.POST.get("room") or None
            room = Room.objects.filter(pk=room_id, team_id=citizen.team_id).first() if room_id else None
            proposal = services.propose_slots(
                user=request.user, citizen=citizen, obligation=obligation, channel=channel, limit=1
            )
            try:
                booking = services.booking_create(
                    user=request.user,
                    citizen=citizen,
                    start=start,
                    minutes=proposal.minutes,
                    kind=proposal.kind,
                    channel=proposal.channel,
                    obligation=obligation,
                    room=room,
                )
            except ValidationError as exc:
                errors.extend(_errors(exc))
            else:
                start_local = timezone.localtime(booking.start)
                message = _("%(name)s er booket %(day)s kl. %(time)s.") % {
                    "name": citizen.full_name,
                    "day": f"{start_local:%d.%m.%Y}",
                    "time": f"{start_local:%H:%M}",
                }
                if request.htmx:
                    return render(
                        request,
                        "planning/_booking_panel.html",
                        {"booking": booking, "message": message, "source": request.POST.get("from")},
                    )
                messages.success(request, message)
                return redirect("planning:booking", pk=booking.pk)
    proposal = services.propose_slots(
        user=request.user, citizen=citizen, obligation=obligation, channel=channel
    )
    context = {
        "citizen": citizen,
        "proposal": proposal,
        "errors": errors,
        "channels": selectors.rule_channels(obligation) if obligation else None,
    }
    return _panel(request, "planning/_book_panel.html", context, status=422 if errors else 200)


def booking_detail(request, pk: int):
    booking = selectors.booking_get_for(request.user, pk)
    audit_log(user=request.user, citizen_id=booking.citizen_id, action=AuditEvent.Action.VIEW,
              details={"page": "booking", "booking": booking.pk})
    return _panel(request, "planning/_booking_panel.html", {"booking": booking})


def _booking_action(request, pk: int, apply, success: str):
    booking = selectors.booking_get_for(request.user, pk)
    try:
        booking = apply(booking)
    except ValidationError as exc:
        context = {"booking": booking, "errors": _errors(exc)}
        return _panel(request, "planning/_booking_panel.html", context, status=422)
    message = success % {"name": booking.citizen.full_name}
    if request.htmx:
        return render(
            request,
            "planning/_booking_panel.html",
            {"booking": booking, "message": message, "source": request.POST.get("from")},
        )
    messages.success(request, message)
    return redirect("planning:booking", pk=booking.pk)


@require_POST
def booking_hold(request, pk: int):
    def apply(booking):
        minutes = request.POST.get("minutes", "")
        return services.booking_hold(
            user=request.user,
            booking=booking,
            minutes=int(minutes) if minutes.isdigit() and len(minutes) < 4 else None,
            note=request.POST.get("note", "")[:4000],
        )

    return _booking_action(request, pk, apply, _("Samtalen med %(name)s er registreret som afholdt."))


@require_POST
def booking_absent(request, pk: int):
    def apply(booking):
        return services.booking_mark_absent(user=request.user, booking=booking)

    return _booking_action(request, pk, apply, _("%(name)s er registreret som udeblevet."))


@require_POST
def booking_cancel(request, pk: int):
    def apply(booking):
        return services.booking_cancel(user=request.user, booking=booking)

    return _booking_action(request, pk, apply, _("Samtalen med %(name)s er aflyst."))


# --- summons letters ------------------------------------------------------------------------


@require_POST
def summons_issue(request, pk: int):
    booking = selectors.booking_get_for(request.user, pk)
    try:
        summons = services.summons_issue(user=request.user, booking=booking)
    except ValidationError as exc:
        for message in _errors(exc):
            messages.error(request, message)
        return redirect("planning:booking", pk=pk)
    url = reverse("planning:summons", args=[summons.pk])
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _summons_for(request, pk: int) -> Summons:
    summons = get_object_or_404(
        Summons.objects.select_related("booking", "citizen"),
        pk=pk,
        citizen__in=citizen_selectors.citizen_list_for(request.user),
    )
    # Reading a letter kept with the citizen is an access to the citizen's record.
    audit_log(
        user=request.user,
        citizen=summons.citizen,
        action=AuditEvent.Action.VIEW,
        details={"summons": summons.pk},
    )
    return summons


def summons_detail(request, pk: int):
    """The issued letter, printable, with a link to its PDF."""
    summons = _summons_for(request, pk)
    response = render(request, "planning/summons.html", {"summons": summons})
    return allow_inline_styles_of(response, summons.html)  # the letter's own <style>, shown in an iframe


def summons_pdf(request, pk: int):
    summons = _summons_for(request, pk)
    response = HttpResponse(bytes(summons.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="indkaldelse-{summons.pk}.pdf"'
    return response


# --- calendar -------------------------------------------------------------------------------


def _parse_day(text: str | None) -> date:
    try:
        return date.fromisoformat(text) if text else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def calendar(request):
    staff = selectors.staff_for_calendar(request.user, request.GET.get("medarbejder"))
    view = "dag" if request.GET.get("visning") == "dag" else "uge"
    day = _parse_day(request.GET.get("dato"))
    first = day if view == "dag" else services.week_start(day)
    last = first if view == "dag" else first + timedelta(days=6)
    bookings = list(selectors.calendar_for(staff, first, last))
    audit_citizens_shown(user=request.user, citizen_ids=[b.citizen_id for b in bookings],
                         details={"page": "calendar", "from": str(first), "to": str(last)})
    days = []
    for offset in range((last - first).days + 1):
        d = first + timedelta(days=offset)
        items = [b for b in bookings if b.day == d]
        if view == "uge" and d.weekday() >= 5 and not items:
            continue
        days.append({"date": d, "bookings": items})
    step = timedelta(days=1 if view == "dag" else 7)
    feed = CalendarFeed.objects.filter(user=request.user).first()
    context = {
        "staff": staff,
        "view": view,
        "day": day,
        "days": days,
        "previous": day - step,
        "next": day + step,
        "today": timezone.localdate(),
        "own": staff.user_id == request.user.pk,
        "feed_url": request.build_absolute_uri(reverse("planning:ics", args=[feed.token])) if feed else None,
        "caseworkers": citizen_selectors.caseworkers_visible_to(request.user)
        if is_team_leader_or_admin(request.user)
        else None,
    }
    template = (
        "planning/_calendar.html"
        if request.htmx and request.htmx.target == "calendar"
        else "planning/calendar.html"
    )
    return render(request, template, context)


@require_POST
def feed(request):
    if request.POST.get("action") == "revoke":
        services.feed_revoke(user=request.user)
        messages.success(
            request, _("Kalenderabonnementet er slettet. Den gamle adresse virker ikke længere.")
        )
    else:
        services.feed_revoke(user=request.user)
        services.feed_enable(user=request.user)
        messages.success(request, _("Din personlige kalenderadresse er oprettet. Hold den hemmelig."))
    return redirect("planning:calendar")


@login_not_required
def ics(request, token: str):
    """The personal iCalendar feed; the secret token is the only credential (revocable)."""
    feed_row = CalendarFeed.objects.filter(token=token).select_related("user__staff_member").first()
    if feed_row is None or not hasattr(feed_row.user, "staff_member") or not feed_row.user.is_active:
        raise Http404
    body = feeds.calendar_ics(feed_row.user.staff_member, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="kontaktplan.ics"'
    return response


# --- team leaders ---------------------------------------------------------------------------


def capacity(request):
    if not is_team_leader_or_admin(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    context = reports.booked_capacity(request.user, today)
    return render(request, "planning/capacity.html", context)
