from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from jobcenter.hardening import is_local_request
from jobcenter.health import health_report
from jobcenter.perms import role_of, staff_member_of
from planning.reports import home_summary


@login_not_required
@never_cache
def healthz(request):
    """Status for anyone (load balancers); which check failed and why (host names, ports) only
    for signed-in staff and for requests from this machine."""
    ok, body = health_report()
    user = request.user
    staff = user.is_authenticated and (user.is_staff or staff_member_of(user) is not None)
    if not (staff or is_local_request(request)):
        body = {"status": body["status"]}
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
