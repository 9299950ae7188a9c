from django.urls import path

from catalogue import views

app_name = "catalogue"

urlpatterns = [
    path("", views.compare, name="compare"),
]
