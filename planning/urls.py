from django.urls import path

from planning import views

app_name = "planning"

urlpatterns = [
    path("kalender/", views.calendar, name="calendar"),
    path("kalender/abonnement/", views.feed, name="feed"),
    path("ics/<str:token>.ics", views.ics, name="ics"),
    path("kapacitet/", views.capacity, name="capacity"),
    path("borger/<int:pk>/book/", views.book, name="book"),
    path("booking/<int:pk>/", views.booking_detail, name="booking"),
    path("booking/<int:pk>/afholdt/", views.booking_hold, name="hold"),
    path("booking/<int:pk>/udeblevet/", views.booking_absent, name="absent"),
    path("booking/<int:pk>/aflys/", views.booking_cancel, name="cancel"),
    path("booking/<int:pk>/indkaldelse/", views.summons_issue, name="summons_issue"),
    path("indkaldelse/<int:pk>/", views.summons_detail, name="summons"),
    path("indkaldelse/<int:pk>/pdf/", views.summons_pdf, name="summons_pdf"),
]
