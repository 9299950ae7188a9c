"""The API under /api/: v1 endpoints, the OpenAPI schema and its Swagger UI (vendored assets).

The API authenticates itself (session or token), so its views are exempt from the UI's
LoginRequiredMiddleware, which would redirect a token client to the login page.
"""

from csp.decorators import csp_update
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.renderers import JSONRenderer
from rest_framework.routers import DefaultRouter

from catalogue import api as catalogue_api
from citizens import api as citizens_api
from jobcenter import api as jobcenter_api
from jobcenter.api_base import json_error_response
from jobcenter.compliance_report import ComplianceView
from planning import api as planning_api

app_name = "api"

router = DefaultRouter()
router.include_root_view = False
router.register("citizens", citizens_api.CitizenViewSet, basename="citizen")
router.register("enrolments", citizens_api.EnrolmentViewSet, basename="enrolment")
router.register("contacts", citizens_api.ContactViewSet, basename="contact")
router.register("obligations", citizens_api.ObligationViewSet, basename="obligation")
router.register("worklist", citizens_api.WorklistViewSet, basename="worklist")
router.register("audit-events", citizens_api.AuditEventViewSet, basename="audit-event")
router.register("target-groups", catalogue_api.TargetGroupViewSet, basename="target-group")
router.register("rule-sets", catalogue_api.RuleSetViewSet, basename="rule-set")
router.register("contact-rules", catalogue_api.ContactRuleViewSet, basename="contact-rule")
router.register("cost-assumptions", catalogue_api.CostAssumptionViewSet, basename="cost-assumption")
router.register("initiatives", catalogue_api.InitiativeViewSet, basename="initiative")
router.register("investments", catalogue_api.InvestmentViewSet, basename="investment")
router.register("teams", jobcenter_api.TeamViewSet, basename="team")
router.register("staff", jobcenter_api.StaffMemberViewSet, basename="staff")
router.register("forecasts", jobcenter_api.ForecastViewSet, basename="forecast")
router.register("bookings", planning_api.BookingViewSet, basename="booking")
router.register("free-slots", planning_api.FreeSlotViewSet, basename="free-slot")


def _exempt_from_login_middleware(patterns):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            _exempt_from_login_middleware(pattern.url_patterns)
        else:
            pattern.callback = login_not_required(pattern.callback)
    return patterns


class JsonErrorsMixin:
    """Refusals in the API's JSON error shape, not in the view's own format (YAML, HTML)."""

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response


class SchemaView(JsonErrorsMixin, SpectacularAPIView):
    pass


class SwaggerView(JsonErrorsMixin, SpectacularSwaggerSplitView):
    """Swagger UI; its start-up script is a file of its own, so the CSP needs no inline script."""


# The vendored Swagger UI bundle inserts one fixed <style> element; its hash (for the pinned
# drf-spectacular-sidecar) is allowed on this page only. Nothing else inline is.
SWAGGER_CSP = {"style-src": ["'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"]}


def not_found(request, rest=""):
    """Any other path under /api/ answers in the API's error shape, not with an HTML page."""
    return json_error_response(404)


urlpatterns = _exempt_from_login_middleware(
    [
        path("v1/compliance/", ComplianceView.as_view(), name="compliance"),
        path("v1/", include(router.urls)),
        path("schema/", SchemaView.as_view(), name="schema"),
        path("docs/", csp_update(SWAGGER_CSP)(SwaggerView.as_view(url_name="api:schema")), name="docs"),
        re_path(r"^(?P<rest>.*)$", not_found),
    ]
)
