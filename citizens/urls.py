from django.urls import path

from citizens import import_views, views

app_name = "citizens"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("opret/", views.create, name="create"),
    path("omfordeling/", views.reassign, name="reassign"),
    path("adgangslog/", views.audit, name="audit"),
    path("import/", import_views.upload, name="import"),
    path("import/<int:pk>/", import_views.job, name="import_job"),
    path("import/<int:pk>/bekraeft/", import_views.confirm, name="import_confirm"),
    path("<int:pk>/", views.citizen_detail, name="detail"),
    path("<int:pk>/kontakt/", views.contact_create, name="contact"),
    path("<int:pk>/cpr/", views.reveal_cpr, name="reveal_cpr"),
    path("<int:pk>/indsigt/", views.indsigt, name="indsigt"),
    path("<int:pk>/maalgruppe/", views.transfer, name="transfer"),
    path("<int:pk>/fritag/", views.exempt, name="exempt"),
    path("<int:pk>/tildel/", views.assign, name="assign"),
    path("<int:pk>/ret/", views.edit, name="edit"),
]
