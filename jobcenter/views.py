from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from jobcenter.health import health_report
from jobcenter.perms import role_of, staff_member_of


@login_not_required
@never_cache
def healthz(request):
    ok, body = health_report()
    return JsonResponse(body, status=200 if ok else 503)


def home(request):
    return render(
        request,
        "jobcenter/home.html",
        {"staff_member": staff_member_of(request.user), "role": role_of(request.user)},
    )
