"""The planning API: bookings (list, create, cancel, hold, absent) and free slots.

Thin over the same selectors (a booking is visible when its citizen is) and services as the UI.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from catalogue.rulebook import CHANNEL_LABELS
from citizens import selectors as citizen_selectors
from citizens.api import ERRORS, AuditedReadsMixin, _int_param
from jobcenter.api_base import NewestFirstCursorPagination, StrictSerializer
from planning import selectors, services
from planning.models import Booking, Room


class BookingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Booking
        fields = [
            "id",
            "citizen",
            "caseworker",
            "room",
            "start",
            "end",
            "minutes",
            "kind",
            "channel",
            "details",
            "status",
            "obligation_rule",
            "obligation_number",
            "obligation_earliest",
            "obligation_latest",
            "contact",
        ]
        read_only_fields = fields


class BookingCreateSerializer(StrictSerializer):
    citizen = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    obligation = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        allow_null=True,
        default=None,
        help_text="Det kontaktkrav, samtalen skal opfylde (borgerens første åbne, hvis udeladt).",
    )
    start = serializers.DateTimeField()
    minutes = serializers.IntegerField(min_value=5, max_value=480, required=False)
    channel = serializers.ChoiceField(choices=list(CHANNEL_LABELS.items()), required=False)
    room = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, allow_null=True, default=None
    )
    details = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class BookingHoldSerializer(StrictSerializer):
    minutes = serializers.IntegerField(min_value=1, max_value=600, required=False)
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class SlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    room = serializers.IntegerField(allow_null=True)
    late = serializers.BooleanField(help_text="Sand, når tiden ligger efter kontaktkravets frist.")
    caseworker = serializers.IntegerField()
    kind = serializers.CharField()
    channel = serializers.CharField()
    minutes = serializers.IntegerField()


CITIZEN = OpenApiParameter("citizen", OpenApiTypes.INT, description="Kun denne borgers.")
STATUS = OpenApiParameter("status", OpenApiTypes.STR, enum=[s for s, _ in Booking.Status.choices])


def _obligation(citizen, obligation_id):
    if obligation_id is None:
        return selectors.obligation_for(citizen)
    obligation = selectors.obligation_for(citizen, obligation_id)
    if obligation is None:
        raise serializers.ValidationError({"obligation": ["Kontaktkravet findes ikke eller er ikke åbent."]})
    return obligation


@extend_schema(tags=["planning"])
class BookingViewSet(
    AuditedReadsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = BookingSerializer
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self):
        bookings = selectors.booking_list_for(self.request.user)
        citizen = _int_param(self.request, "citizen")
        if citizen:
            bookings = bookings.filter(citizen_id=citizen)
        wanted = self.request.query_params.get("status")
        if wanted:
            if wanted not in Booking.Status.values:
                raise serializers.ValidationError({"status": ["Ukendt status."]})
            bookings = bookings.filter(status=wanted)
        return bookings

    @extend_schema(parameters=[CITIZEN, STATUS], responses={200: BookingSerializer(many=True), **ERRORS})
    def list(self, request, *args, **kwargs):
        citizen = _int_param(request, "citizen")
        if citizen:
            citizen_selectors.citizen_get_for(request.user, citizen)  # 404 unless visible (then audited)
        return super().list(request, *args, **kwargs)

    @extend_schema(request=BookingCreateSerializer, responses={201: BookingSerializer, **ERRORS})
    def create(self, request):
        data = BookingCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        citizen = citizen_selectors.citizen_get_for(request.user, values["citizen"])
        obligation = _obligation(citizen, values["obligation"])
        room = None
        if values["room"] is not None:
            room = Room.objects.filter(pk=values["room"], team_id=citizen.team_id).first()
            if room is None:
                raise serializers.ValidationError({"room": ["Lokalet findes ikke i borgerens team."]})
        channel = values.get("channel") or services.default_channel(obligation)
        booking = services.booking_create(
            user=request.user,
            citizen=citizen,
            start=values["start"],
            minutes=values.get("minutes") or services.DEFAULT_MINUTES.get(channel, 45),
            kind=obligation.kind if obligation else "jobsamtale",
            channel=channel,
            obligation=obligation,
            room=room,
            details=values["details"],
        )
        return Response(BookingSerializer(booking).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: BookingSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        booking = services.booking_cancel(user=request.user, booking=self.get_object())
        return Response(BookingSerializer(booking).data)

    @extend_schema(request=BookingHoldSerializer, responses={200: BookingSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def hold(self, request, pk=None):
        data = BookingHoldSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booking = services.booking_hold(
            user=request.user,
            booking=self.get_object(),
            minutes=data.validated_data.get("minutes"),
            note=data.validated_data["note"],
        )
        return Response(BookingSerializer(booking).data)

    @extend_schema(request=None, responses={200: BookingSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def absent(self, request, pk=None):
        booking = services.booking_mark_absent(user=request.user, booking=self.get_object())
        return Response(BookingSerializer(booking).data)


@extend_schema(tags=["planning"])
class FreeSlotViewSet(viewsets.GenericViewSet):
    """The first free slots of the citizen's caseworker (or another in the team) before the
    obligation's deadline; after it, flagged ``late``, when nothing fits in time."""

    serializer_class = SlotSerializer
    pagination_class = None

    @extend_schema(
        parameters=[
            OpenApiParameter("citizen", OpenApiTypes.INT, required=True),
            OpenApiParameter(
                "obligation", OpenApiTypes.INT, description="Standard: borgerens første åbne krav."
            ),
            OpenApiParameter(
                "caseworker", OpenApiTypes.INT, description="Standard: borgerens sagsbehandler."
            ),
            OpenApiParameter("channel", OpenApiTypes.STR, enum=list(CHANNEL_LABELS)),
        ],
        responses={200: SlotSerializer(many=True), **ERRORS},
    )
    def list(self, request):
        citizen_id = _int_param(request, "citizen")
        if citizen_id is None:
            raise serializers.ValidationError({"citizen": ["Feltet er påkrævet."]})
        citizen = citizen_selectors.citizen_get_for(request.user, citizen_id)
        obligation = _obligation(citizen, _int_param(request, "obligation"))
        channel = request.query_params.get("channel") or None
        if channel is not None and channel not in CHANNEL_LABELS:
            raise serializers.ValidationError({"channel": ["Ukendt kanal."]})
        caseworker_id = _int_param(request, "caseworker")
        if caseworker_id is not None:
            caseworker = selectors.caseworker_get_for(request.user, caseworker_id)
            if caseworker.team_id != citizen.team_id:
                raise serializers.ValidationError(
                    {"caseworker": ["Sagsbehandleren hører ikke til borgerens team."]}
                )
            citizen.caseworker = caseworker  # propose this caseworker's slots (not saved)
        proposal = services.propose_slots(
            user=request.user, citizen=citizen, obligation=obligation, channel=channel
        )
        rows = [
            {
                "start": s.start,
                "end": s.end,
                "room": s.room,
                "late": proposal.late,
                "caseworker": proposal.caseworker.pk,
                "kind": proposal.kind,
                "channel": proposal.channel,
                "minutes": proposal.minutes,
            }
            for s in proposal.slots
        ]
        return Response(SlotSerializer(rows, many=True).data)
