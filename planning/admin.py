from django.contrib import admin

from planning.models import Booking, ClosedDay, Room, SummonsTemplate, WorkingHours


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = ("staff_member", "weekday", "start", "end")
    list_filter = ("weekday", "staff_member__team")


@admin.register(ClosedDay)
class ClosedDayAdmin(admin.ModelAdmin):
    list_display = ("date", "reason")


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ("name", "team", "address")
    list_filter = ("team",)


@admin.register(SummonsTemplate)
class SummonsTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "active", "updated_at")


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Read-only here: bookings are made and changed through the planning pages (audited)."""

    list_display = ("day", "start", "caseworker", "kind", "channel", "status")
    list_filter = ("status", "kind", "channel")
    fields = (
        "caseworker",
        "room",
        "start",
        "end",
        "kind",
        "channel",
        "status",
        "obligation_label",
        "obligation_latest",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
