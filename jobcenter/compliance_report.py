"""The quota compliance report (team leaders: their teams; admins: the municipality): page with a
chart and its table, CSV/XLSX export, and the same figures in the API."""

from datetime import date

from django.shortcuts import render
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from citizens.compliance_data import compliance_dataset, compliance_report
from jobcenter.api_base import IsTeamLeaderOrAdmin
from jobcenter.perms import is_admin, teams_visible_to
from jobcenter.reports import _export, leaders_only


def today() -> date:
    return timezone.localdate()


def report_for(user, on: date) -> dict:
    """Admins see the municipality; a team leader the teams they may see."""
    teams = None if is_admin(user) else list(teams_visible_to(user))
    return compliance_report(teams, on)


@leaders_only
def compliance(request):
    report = report_for(request.user, today())
    response = _export(request, compliance_dataset(report), "kvoteopfyldelse")
    if response:
        return response
    return render(request, "reports/compliance.html", {"report": report, "current": "compliance"})


class ComplianceView(APIView):
    """Quota compliance per pool, cohort (month of entry) and team, the 12-cohort trend, the
    at-risk cohorts and the use of the 25 % exemption; scoped like the page."""

    permission_classes = [permissions.IsAuthenticated, IsTeamLeaderOrAdmin]

    @extend_schema(tags=["reports"], responses={200: OpenApiTypes.OBJECT})
    def get(self, request):
        report = report_for(request.user, today())
        return Response({**report, "on": report["on"].isoformat()})
