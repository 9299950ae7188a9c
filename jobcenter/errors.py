"""Error views: every path under /api/ answers in the API's JSON error shape, also for errors
raised outside DRF's views (an unknown method or path, a body that is too large, a crash)."""

from django.views import defaults

from jobcenter.api_base import json_error_response


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    if _is_api(request):
        return json_error_response(413 if type(exception).__name__ == "RequestDataTooBig" else 400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception=None):
    return json_error_response(403) if _is_api(request) else defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    return json_error_response(404) if _is_api(request) else defaults.page_not_found(request, exception)


def server_error(request):
    return json_error_response(500) if _is_api(request) else defaults.server_error(request)
