"""The citizens API: thin viewsets over selectors (what the user may see) and services (writes).

A citizen the user may not see answers 404, exactly as in the UI. CPR numbers are masked in every
response; ``reveal-cpr`` returns one and writes an audit event, as does every detail read.
"""

from django.db.models import F
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from catalogue.models import TargetGroup
from citizens import selectors, services
from citizens.audit import audit_citizens_shown
from citizens.filters import WorklistFilter
from citizens.models import STATUS_CHOICES, AuditEvent, Citizen, Contact, Enrolment, Obligation
from jobcenter.api_base import (
    Conflict,
    ErrorSerializer,
    IdCursorPagination,
    IsAdmin,
    NewestFirstCursorPagination,
    StrictSerializer,
    WorklistPagination,
)
from jobcenter.models import StaffMember, Team
from jobcenter.perms import staff_member_of, teams_visible_to

ERRORS = {
    400: ErrorSerializer,
    401: ErrorSerializer,
    403: ErrorSerializer,
    404: ErrorSerializer,
    413: ErrorSerializer,
    415: ErrorSerializer,
    429: ErrorSerializer,
}
CITIZEN_PARAM = OpenApiParameter("citizen", OpenApiTypes.INT, description="Kun denne borgers.")


def _int_param(request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: ["Skal være et heltal."]}) from None
    if not 0 < value < 2**63:
        raise ValidationError({name: ["Skal være et positivt heltal."]})
    return value


# --- serializers ----------------------------------------------------------------------------


class CitizenSerializer(serializers.ModelSerializer):
    cpr = serializers.CharField(source="masked_cpr", read_only=True, help_text="Maskeret: ddmmåå-xxxx.")
    current_target_group = serializers.SlugRelatedField(slug_field="code", read_only=True)
    next_status = serializers.ChoiceField(choices=STATUS_CHOICES, allow_blank=True, read_only=True)

    class Meta:
        model = Citizen
        fields = [
            "id",
            "cpr",
            "first_name",
            "last_name",
            "team",
            "caseworker",
            "version",
            *Citizen.SUMMARY_FIELDS,
        ]
        read_only_fields = fields


class CitizenCreateSerializer(StrictSerializer):
    cpr = serializers.CharField(max_length=11)
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.none())
    caseworker = serializers.PrimaryKeyRelatedField(
        queryset=StaffMember.objects.none(), allow_null=True, required=False, default=None
    )
    target_group = serializers.SlugRelatedField(slug_field="code", queryset=TargetGroup.objects.all())
    start = serializers.DateField()
    short_absence = serializers.BooleanField(default=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is None:  # schema generation
            return
        user = request.user
        self.fields["team"].queryset = teams_visible_to(user)
        self.fields["caseworker"].queryset = selectors.caseworkers_visible_to(user)


class CitizenUpdateSerializer(StrictSerializer):
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    cpr = serializers.CharField(max_length=11, required=False)
    first_name = serializers.CharField(max_length=100, required=False)
    last_name = serializers.CharField(max_length=100, required=False)


class RevealedCprSerializer(serializers.Serializer):
    cpr = serializers.CharField()


class EnrolmentSerializer(serializers.ModelSerializer):
    target_group = serializers.SlugRelatedField(slug_field="code", read_only=True)
    next_status = serializers.ChoiceField(choices=STATUS_CHOICES, allow_blank=True, read_only=True)

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "citizen",
            "target_group",
            "start",
            "end",
            "exempt",
            "work_obligation",
            "short_absence",
            "next_due",
            "next_status",
        ]
        read_only_fields = fields


class EnrolmentTransferSerializer(StrictSerializer):
    citizen = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    target_group = serializers.SlugRelatedField(slug_field="code", queryset=TargetGroup.objects.all())
    start = serializers.DateField()
    short_absence = serializers.BooleanField(default=False)


class ShortAbsenceSerializer(StrictSerializer):
    short_absence = serializers.BooleanField()


class ExemptSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=2000)


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = [
            "id",
            "citizen",
            "date",
            "kind",
            "channel",
            "performed_by",
            "held_by",
            "minutes",
            "outcome",
            "note",
            "created_at",
        ]
        read_only_fields = fields


class ContactCreateSerializer(StrictSerializer):
    citizen = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=Contact._meta.get_field("kind").choices)
    channel = serializers.ChoiceField(choices=Contact._meta.get_field("channel").choices)
    performed_by = serializers.ChoiceField(
        choices=Contact._meta.get_field("performed_by").choices, default="kommune"
    )
    minutes = serializers.IntegerField(
        min_value=1, max_value=600, allow_null=True, default=None,
        help_text="Empty: by channel, as in the form and the import (45 in person, 30 by phone or "
        "video, 20 digital).",
    )
    outcome = serializers.ChoiceField(choices=Contact.Outcome.choices, default=Contact.Outcome.HELD)
    note = serializers.CharField(max_length=4000, allow_blank=True, default="")
    confirm_duplicate = serializers.BooleanField(
        default=False,
        help_text="Register it even though an identical contact (same day, kind, channel and "
        "performer) is already stored; without it such a contact is refused with 400.",
    )


class ObligationSerializer(serializers.ModelSerializer):
    citizen = serializers.IntegerField(source="enrolment.citizen_id", read_only=True)

    class Meta:
        model = Obligation
        fields = [
            "id",
            "citizen",
            "enrolment",
            "rule_set",
            "rule",
            "kind",
            "number",
            "of",
            "earliest",
            "latest",
            "status",
            "performed_by",
            "explanation",
            "local",
        ]
        read_only_fields = fields


class AuditEventSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = AuditEvent
        fields = ["id", "at", "user", "citizen", "action", "details"]
        read_only_fields = fields


IndsigtSerializer = inline_serializer(
    "Indsigt",
    {
        "citizen": serializers.DictField(),
        "enrolments": serializers.ListField(child=serializers.DictField()),
        "contacts": serializers.ListField(child=serializers.DictField()),
        "obligations": serializers.ListField(child=serializers.DictField()),
        "access_log": serializers.ListField(child=serializers.DictField()),
    },
)


# --- viewsets -------------------------------------------------------------------------------


@extend_schema(tags=["citizens"])
class CitizenViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = CitizenSerializer
    pagination_class = IdCursorPagination
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.citizen_list_for(self.request.user).select_related("current_target_group")

    def get_object(self) -> Citizen:
        return selectors.citizen_get_for(self.request.user, self.kwargs["pk"])

    def list(self, request, *args, **kwargs):
        return _audited_citizen_list(self, request, super().list(request, *args, **kwargs))

    @extend_schema(responses={200: CitizenSerializer, **ERRORS})
    def retrieve(self, request, pk=None):
        citizen = self.get_object()
        services.audit_log(
            user=request.user, citizen=citizen, action=AuditEvent.Action.VIEW, details={"via": "api"}
        )
        return Response(CitizenSerializer(citizen).data)

    @extend_schema(request=CitizenCreateSerializer, responses={201: CitizenSerializer, **ERRORS})
    def create(self, request):
        data = CitizenCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        citizen = services.citizen_create(user=request.user, **data.validated_data)
        citizen.refresh_from_db()
        return Response(CitizenSerializer(citizen).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=CitizenUpdateSerializer,
        responses={200: CitizenSerializer, 409: ErrorSerializer, **ERRORS},
        description="Send `version` som læst; er borgeren ændret siden, svares 409.",
    )
    def partial_update(self, request, pk=None):
        citizen = self.get_object()
        data = CitizenUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        version = changes.pop("version")
        try:
            citizen = services.citizen_update(user=request.user, citizen=citizen, version=version, **changes)
        except services.StaleEdit:
            raise Conflict() from None
        return Response(CitizenSerializer(citizen).data)

    @extend_schema(request=None, responses={200: RevealedCprSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="reveal-cpr")
    def reveal_cpr(self, request, pk=None):
        citizen = self.get_object()
        services.audit_log(
            user=request.user, citizen=citizen, action=AuditEvent.Action.REVEAL_CPR, details={"via": "api"}
        )
        return Response({"cpr": f"{citizen.cpr[:6]}-{citizen.cpr[6:]}"})

    @extend_schema(responses={200: IndsigtSerializer, **ERRORS})
    @action(detail=True, methods=["get"])
    def indsigt(self, request, pk=None):
        citizen = self.get_object()
        services.audit_log(
            user=request.user,
            citizen=citizen,
            action=AuditEvent.Action.EXPORT,
            details={"kind": "indsigt", "via": "api"},
        )
        return Response(selectors.citizen_indsigt(citizen))


def _audited_citizen_list(view, request, response):
    """A page of citizens is logged naming every citizen on it."""
    rows = response.data.get("results", []) if isinstance(response.data, dict) else []
    audit_citizens_shown(
        user=request.user,
        citizen_ids=[row["id"] for row in rows],
        details={"api": view.basename, "rows": len(rows)},
    )
    return response


class AuditedReadsMixin:
    """Every API read of citizen records lands in the audit log, as a page view does in the UI:
    one VIEW per citizen for a detail or a list filtered to one citizen, else one EXPORT."""

    def citizen_id_of(self, obj) -> int:
        return obj.citizen_id

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        services.audit_log(
            user=request.user,
            citizen_id=self.citizen_id_of(obj),
            action=AuditEvent.Action.VIEW,
            details={"api": self.basename, "id": obj.pk},
        )
        return Response(self.get_serializer(obj).data)

    def list(self, request, *args, **kwargs):
        citizen = _int_param(request, "citizen")
        if citizen:
            # The access check comes before any audit entry: unknown or another team's citizen is 404.
            selectors.citizen_get_for(request.user, citizen)
        response = super().list(request, *args, **kwargs)
        rows = response.data.get("results", []) if isinstance(response.data, dict) else []
        if citizen:
            services.audit_log(
                user=request.user,
                citizen_id=citizen,
                action=AuditEvent.Action.VIEW,
                details={"api": self.basename, "rows": len(rows)},
            )
        else:
            audit_citizens_shown(
                user=request.user,
                citizen_ids=[row["citizen"] for row in rows],
                details={"api": self.basename, "rows": len(rows)},
            )
        return response


@extend_schema(tags=["citizens"])
class EnrolmentViewSet(
    AuditedReadsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = EnrolmentSerializer
    pagination_class = IdCursorPagination

    def get_queryset(self):
        enrolments = selectors.enrolment_list_for(self.request.user)
        citizen = _int_param(self.request, "citizen")
        return enrolments.filter(citizen_id=citizen) if citizen else enrolments

    @extend_schema(parameters=[CITIZEN_PARAM], responses={200: EnrolmentSerializer(many=True), **ERRORS})
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=EnrolmentTransferSerializer,
        responses={201: EnrolmentSerializer, **ERRORS},
        description="Skift målgruppe: afslutter det nuværende forløb dagen før `start`.",
    )
    def create(self, request):
        data = EnrolmentTransferSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        citizen = selectors.citizen_get_for(request.user, values.pop("citizen"))
        enrolment = services.enrolment_transfer(user=request.user, citizen=citizen, **values)
        return Response(EnrolmentSerializer(enrolment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ExemptSerializer, responses={200: EnrolmentSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def exempt(self, request, pk=None):
        enrolment = self.get_object()
        data = ExemptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrolment = services.enrolment_mark_exempt(
            user=request.user, enrolment=enrolment, reason=data.validated_data["reason"]
        )
        return Response(EnrolmentSerializer(enrolment).data)

    @extend_schema(request=ShortAbsenceSerializer, responses={200: EnrolmentSerializer, **ERRORS},
                   description="Sygedagpenge: forventet fravær under 26 uger (lov nr. 1750).")
    @action(detail=True, methods=["post"], url_path="short-absence")
    def short_absence(self, request, pk=None):
        enrolment = self.get_object()
        data = ShortAbsenceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        enrolment = services.enrolment_set_short_absence(
            user=request.user, enrolment=enrolment, short_absence=data.validated_data["short_absence"]
        )
        return Response(EnrolmentSerializer(enrolment).data)


@extend_schema(tags=["citizens"])
class ContactViewSet(
    AuditedReadsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = ContactSerializer
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self):
        contacts = selectors.contact_list_for(self.request.user)
        citizen = _int_param(self.request, "citizen")
        return contacts.filter(citizen_id=citizen) if citizen else contacts

    @extend_schema(parameters=[CITIZEN_PARAM], responses={200: ContactSerializer(many=True), **ERRORS})
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=ContactCreateSerializer, responses={201: ContactSerializer, **ERRORS})
    def create(self, request):
        data = ContactCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        citizen = selectors.citizen_get_for(request.user, values.pop("citizen"))
        contact = services.contact_register(user=request.user, citizen=citizen, **values)
        return Response(ContactSerializer(contact).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["citizens"])
class ObligationViewSet(AuditedReadsMixin, viewsets.ReadOnlyModelViewSet):
    """The open obligations the engine last derived (refreshed nightly and after every write)."""

    def citizen_id_of(self, obj) -> int:
        return obj.enrolment.citizen_id

    serializer_class = ObligationSerializer
    pagination_class = IdCursorPagination

    def get_queryset(self):
        obligations = selectors.obligation_list_for(self.request.user)
        citizen = _int_param(self.request, "citizen")
        return obligations.filter(enrolment__citizen_id=citizen) if citizen else obligations

    @extend_schema(parameters=[CITIZEN_PARAM], responses={200: ObligationSerializer(many=True), **ERRORS})
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


@extend_schema(tags=["citizens"])
class WorklistViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caseworker's worklist with the UI's filters (WorklistFilter), soonest deadline first."""

    serializer_class = CitizenSerializer
    pagination_class = WorklistPagination

    def get_queryset(self):
        visible = selectors.citizen_list_for(self.request.user).select_related("current_target_group")
        filters = WorklistFilter(
            self.request.query_params,
            queryset=visible,
            caseworkers=selectors.caseworkers_visible_to(self.request.user),
            staff_member=staff_member_of(self.request.user),
        )
        if not filters.is_valid():
            raise ValidationError(filters.errors)
        # Citizens without a deadline come last (README), as in the UI's worklist.
        return filters.qs.order_by(F("next_due").asc(nulls_last=True), "id")

    @extend_schema(
        parameters=[
            OpenApiParameter("scope", OpenApiTypes.STR, enum=["mine", "team"]),
            OpenApiParameter("status", OpenApiTypes.STR, enum=["overdue", "week", "30", "all"]),
            OpenApiParameter("target_group", OpenApiTypes.INT, description="Målgruppens id."),
            OpenApiParameter("caseworker", OpenApiTypes.INT, description="Sagsbehandlerens id."),
            OpenApiParameter("q", OpenApiTypes.STR, description="Søg i navn."),
            OpenApiParameter("source", OpenApiTypes.STR, enum=["all", "statutory"],
                             description="statutory: kun borgere med et åbent lovkrav."),
        ],
        responses={200: CitizenSerializer(many=True), **ERRORS},
    )
    def list(self, request, *args, **kwargs):
        return _audited_citizen_list(self, request, super().list(request, *args, **kwargs))


@extend_schema(tags=["audit"])
class AuditEventViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = AuditEventSerializer
    pagination_class = NewestFirstCursorPagination
    permission_classes = [IsAdmin]

    def get_queryset(self):
        events = selectors.audit_events_for(self.request.user)
        citizen = _int_param(self.request, "citizen")
        return events.filter(citizen_id=citizen) if citizen else events

    @extend_schema(parameters=[CITIZEN_PARAM], responses={200: AuditEventSerializer(many=True), **ERRORS})
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
