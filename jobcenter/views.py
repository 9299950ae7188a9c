from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from jobcenter.hardening import is_local_request
from jobcenter.health import health_report
from jobcenter.perms import role_of, staff_member_of


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
    return render(
        request,
        "jobcenter/home.html",
        {"staff_member": staff_member_of(request.user), "role": role_of(request.user)},
    )
