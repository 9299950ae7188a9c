"""What every API endpoint shares: one error shape, strict input, permissions and pagination.

Errors always look like ``{"error": {"status": 400, "message": "...", "fields": {...}}}``; the
message is Danish unless the request asks for English (``Accept-Language: en``). Services raise
Django's ValidationError with Danish messages per field; they become 400 with those fields.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils import translation
from rest_framework import exceptions, pagination, permissions, serializers
from rest_framework.views import exception_handler as drf_exception_handler

from jobcenter.api_parsers import PayloadTooLarge  # noqa: F401 - part of this module's API
from jobcenter.perms import is_admin, is_team_leader_or_admin

MESSAGES = {
    400: ("Ugyldige data. Ret felterne og prøv igen.", "Invalid data. Correct the fields and try again."),
    401: ("Du skal være logget ind.", "Authentication is required."),
    403: ("Du har ikke adgang til dette.", "You do not have access to this."),
    404: ("Findes ikke.", "Not found."),
    405: ("Metoden er ikke tilladt.", "Method not allowed."),
    406: ("Formatet kan ikke leveres.", "The requested format cannot be delivered."),
    409: (
        "Borgeren er blevet ændret af en anden, siden du hentede den. Hent den igen og prøv igen.",
        "Someone else changed this since you read it. Read it again and retry.",
    ),
    413: ("Forespørgslen er for stor.", "The request is too large."),
    415: ("Indholdstypen understøttes ikke. Brug application/json.", "Unsupported media type. Use JSON."),
    429: ("For mange forespørgsler. Vent lidt og prøv igen.", "Too many requests. Wait and retry."),
    500: ("Der opstod en fejl på serveren. Prøv igen senere.", "Server error. Try again later."),
    503: ("Køen er utilgængelig, prøv igen om lidt.", "The job queue is unavailable, try again shortly."),
}


def message_for(status: int) -> str:
    danish, english = MESSAGES.get(status, ("Fejl.", "Error."))
    return english if (translation.get_language() or "da").startswith("en") else danish


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = "Conflict."
    default_code = "conflict"


class QueueUnavailable(exceptions.APIException):
    """The Celery broker cannot be reached: the job was not started (jobcenter/jobs.py)."""

    status_code = 503
    default_detail = "Queue unavailable."
    default_code = "queue_unavailable"


def _fields_from(detail, prefix: str = "") -> dict[str, list[str]]:
    """Field errors as ``{"field": ["message", ...]}``; nested errors get dotted keys
    (``inflow.kh-jobparat``, ``channels.0``), so every value is a flat list of strings."""
    if not isinstance(detail, dict):
        detail = {"non_field_errors": detail} if not prefix else {"": detail}
    fields: dict[str, list[str]] = {}
    for key, value in detail.items():
        name = f"{prefix}.{key}" if prefix and key != "" else (prefix or str(key))
        if isinstance(value, dict):
            fields.update(_fields_from(value, name))
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    fields.update(_fields_from(item, f"{name}.{index}"))
                elif isinstance(item, list | tuple):
                    fields.update(_fields_from({"": item}, name))
                else:
                    fields.setdefault(name, []).append(str(item))
        else:
            fields.setdefault(name, []).append(str(value))
    return fields


def exception_handler(exc, context):
    """DRF's handler plus Django's ValidationError, in one JSON shape."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: a 500, logged by Django
    status = response.status_code
    body = {"status": status, "message": getattr(exc, "specific_message", None) or message_for(status)}
    if isinstance(exc, exceptions.ValidationError):
        body["fields"] = _fields_from(exc.detail)
    response.data = {"error": body}
    return response


class ErrorSerializer(serializers.Serializer):
    """Every error: status, a message for people and, for invalid input, the messages per field."""

    class ErrorBody(serializers.Serializer):
        status = serializers.IntegerField()
        message = serializers.CharField()
        fields = serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()), required=False
        )

    error = ErrorBody()


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know (a typo must not be silently ignored)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Ukendt felt."] for name in unknown})
        return super().to_internal_value(data)


class StrictModelSerializer(StrictSerializer, serializers.ModelSerializer):
    pass


class IsAdminOrReadOnly(permissions.BasePermission):
    message = "Kun administratorer kan ændre dette."

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False  # the API is closed to anonymous readers too
        return request.method in permissions.SAFE_METHODS or is_admin(request.user)


class IsTeamLeaderOrAdmin(permissions.BasePermission):
    message = "Kun teamledere og administratorer har adgang."

    def has_permission(self, request, view):
        return is_team_leader_or_admin(request.user)


class IsAdmin(permissions.BasePermission):
    message = "Kun administratorer har adgang."

    def has_permission(self, request, view):
        return is_admin(request.user)


class IdCursorPagination(pagination.CursorPagination):
    """Long lists: a stable cursor over the primary key (indexed), 50 a page, up to 500."""

    ordering = "id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class NewestFirstCursorPagination(IdCursorPagination):
    ordering = "-id"


class WorklistPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def json_error_response(status: int, fields: dict[str, list[str]] | None = None) -> JsonResponse:
    body: dict = {"status": status, "message": message_for(status)}
    if fields:
        body["fields"] = fields
    return JsonResponse({"error": body}, status=status)
