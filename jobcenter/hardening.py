"""Request hardening shared by every page and the API: no caching of personal data, an idle
timeout for sessions, refusal of NUL characters in input, and login lockout per client address."""

import base64
import hashlib
import ipaddress
import re
import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class NoStoreMiddleware:
    """Nearly every response carries personal data (citizen pages, indsigt, exports, API JSON, a
    revealed CPR number), so no response may be kept by a browser or proxy cache. Static files are
    answered by WhiteNoise before this middleware runs and stay cacheable."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response


class IdleTimeoutMiddleware:
    """Signs a session out after SESSION_IDLE_TIMEOUT seconds without a request.

    The last activity is written at most once a minute, so a busy user does not cost a session
    write per request."""

    KEY = "_last_activity"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout = settings.SESSION_IDLE_TIMEOUT
        user = getattr(request, "user", None)
        if timeout and user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get(self.KEY)
            if last is not None and now - last > timeout:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)  # answered as anonymous: 401/403 in JSON
                return redirect_to_login(request.get_full_path())
            if last is None or now - last >= 60:
                request.session[self.KEY] = now
        return self.get_response(request)


@receiver(user_logged_in)
def _start_idle_clock(sender, request, user, **kwargs):
    """The idle clock starts at sign-in (so the first request after it writes nothing)."""
    if hasattr(request, "session"):
        request.session[IdleTimeoutMiddleware.KEY] = int(time.time())


def _has_nul(data) -> str | None:
    for key, values in data.lists():
        if "\x00" in key or any("\x00" in value for value in values if isinstance(value, str)):
            return key
    return None


class RejectNulMiddleware:
    """A NUL character cannot be stored in PostgreSQL text and has no use in a form or a query
    string: refuse it with 400 before any view sees it (the API gives its JSON error shape)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = _has_nul(request.GET)
        if field is None and request.method == "POST" and request.content_type in FORM_TYPES:
            field = _has_nul(request.POST)
        if field is None:
            return self.get_response(request)
        message = _("Feltet må ikke indeholde NUL-tegn (\\x00).")
        field = field.replace("\x00", "\\x00")
        if request.path.startswith("/api/"):
            from jobcenter.api_base import json_error_response

            return json_error_response(400, fields={field: [message]})
        return bad_request_page(request, message)


def bad_request_page(request, message: str, status: int = 400):
    """A Danish error page naming what was wrong with the request."""
    return render(request, "400.html", {"message": message}, status=status)


# --- login lockout (django-axes) ------------------------------------------------------------


def client_address(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies the address the
    outermost trusted proxy saw (the N-th from the right in X-Forwarded-For)."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def is_local_request(request) -> bool:
    """From this machine, and not forwarded by a proxy on it."""
    if request.META.get("HTTP_X_FORWARDED_FOR"):
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


def axes_failure_limit(request, credentials) -> int:
    """Axes counts failures per username and per address and locks at the larger count; one limit
    for both would lock a whole office behind one NAT address after five typos. So: the account's
    limit while that account is near it, else the (higher) address limit."""
    from axes.models import AccessAttempt

    user_limit = settings.AXES_USERNAME_FAILURE_LIMIT
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    failures = sum(
        AccessAttempt.objects.filter(username=username).values_list("failures_since_start", flat=True)
    )
    if failures >= user_limit - 1:
        return user_limit
    return max(user_limit, settings.AXES_ADDRESS_FAILURE_LIMIT)


# --- page sizes -----------------------------------------------------------------------------

MAX_PAGE_SIZE = 500


def page_size(raw: str | None, default: int) -> int:
    """A requested page size: the default when absent, at most MAX_PAGE_SIZE; ValueError when it
    is not a positive whole number."""
    if raw in (None, ""):
        return default
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise ValueError(raw)
    return min(int(raw), MAX_PAGE_SIZE)


# --- stored documents with their own styles -------------------------------------------------

STYLE_BLOCK = re.compile(r"<style[^>]*>(.*?)</style>", re.S | re.I)


def allow_inline_styles_of(response, html: str):
    """Allow exactly the <style> blocks of a stored document we generated (a summons letter shown
    in an iframe, which inherits the page's policy), by their hashes, on this response only."""
    hashes = [
        f"'sha256-{base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()}'"
        for block in STYLE_BLOCK.findall(html or "")
    ]
    if hashes:
        response._csp_update = {"style-src": hashes}
    return response
