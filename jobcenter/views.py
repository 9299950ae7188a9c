from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from jobcenter.health import health_report
from jobcenter.perms import role_of, staff_member_of
from planning.reports import home_summary


@login_not_required
@never_cache
def healthz(request):
    ok, body = health_report()
    return JsonResponse(body, status=200 if ok else 503)


def home(request):
    staff = staff_member_of(request.user)
    role = role_of(request.user)
    # Caseworkers and team leaders start the day with their agenda and counts (planning).
    planning = home_summary(request.user, timezone.localdate()) if staff and role != "admin" else None
    return render(
        request,
        "jobcenter/home.html",
        {"staff_member": staff, "role": role, "planning": planning},
    )
