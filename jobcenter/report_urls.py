from django.urls import path

from jobcenter import compliance_report, reports

app_name = "reports"

urlpatterns = [
    path("kapacitet/", reports.capacity, name="capacity"),
    path("regelsaet/", reports.comparison, name="comparison"),
    path("katalog/", reports.catalogue, name="catalogue"),
    path("risiko/", reports.risk, name="risk"),
    path("kvoter/", compliance_report.compliance, name="compliance"),
    path("notat/", reports.briefing, name="briefing"),
    path("prognose/", reports.forecast_start, name="forecast_start"),
    path("prognose/<int:pk>/", reports.forecast_status, name="forecast_status"),
]
