from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from jobcenter import sso, views
from jobcenter.forms import LoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "login/",
        sso.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("oidc/", include(sso.urlpatterns)),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("borgere/", include("citizens.urls")),
    path("regler/", include("catalogue.urls")),
    path("planlaegning/", include("planning.urls")),
    path("admin/", admin.site.urls),
    path("rapporter/", include("jobcenter.report_urls")),
    path("api/", include("jobcenter.api_urls")),
]

# JSON errors under /api/, Django's pages elsewhere (jobcenter/errors.py).
handler400 = "jobcenter.errors.bad_request"
handler403 = "jobcenter.errors.permission_denied"
handler404 = "jobcenter.errors.page_not_found"
handler500 = "jobcenter.errors.server_error"
