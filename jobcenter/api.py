"""The organisation (read) and the forecast API: POST starts the Celery job (202), GET polls it."""

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from catalogue.models import RuleSet, TargetGroup
from jobcenter.api_base import ErrorSerializer, IsTeamLeaderOrAdmin, QueueUnavailable, StrictSerializer
from jobcenter.jobs import queue_forecast
from jobcenter.models import ForecastSnapshot, Role, StaffMember, Team
from jobcenter.perms import is_admin, teams_visible_to
from jobcenter.report_data import scoped_result
from jobcenter.services import HORIZONS, forecast_request

ERRORS = {code: ErrorSerializer for code in (400, 401, 403, 404, 413, 415, 429)}


class TeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name", "leaders"]
        read_only_fields = fields


class StaffMemberSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = StaffMember
        fields = ["id", "username", "name", "team", "role", "weekly_hours", "casework_share"]
        read_only_fields = fields


class ForecastSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ForecastSnapshot
        fields = [
            "id",
            "url",
            "rule_sets",
            "on",
            "months",
            "inflow",
            "status",
            "progress",
            "error",
            "created_at",
            "finished_at",
            "result",
        ]
        read_only_fields = fields

    def get_url(self, snapshot) -> str:
        return reverse("api:forecast-detail", kwargs={"pk": snapshot.pk})

    def to_representation(self, snapshot):
        data = super().to_representation(snapshot)
        request = self.context.get("request")
        if "result" in data and request is not None and not is_admin(request.user):
            teams = set(teams_visible_to(request.user).values_list("pk", flat=True))
            staff = set(StaffMember.objects.filter(team__in=teams).values_list("pk", flat=True))
            data["result"] = scoped_result(data["result"], teams, staff)
        return data


class ForecastSummarySerializer(ForecastSerializer):
    class Meta(ForecastSerializer.Meta):
        fields = [f for f in ForecastSerializer.Meta.fields if f != "result"]
        read_only_fields = fields


class ForecastRequestSerializer(StrictSerializer):
    rule_sets = serializers.ListField(
        child=serializers.SlugRelatedField(slug_field="code", queryset=RuleSet.objects.all()),
        required=False,
        max_length=10,
        help_text="Regelsæt (koder); tom = alle aktive.",
    )
    months = serializers.ChoiceField(choices=list(HORIZONS), default=12)
    inflow = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=100_000),
        required=False,
        help_text="Månedlig tilgang pr. målgruppekode.",
    )

    def validate_inflow(self, inflow):
        known = set(TargetGroup.objects.values_list("code", flat=True))
        unknown = sorted(set(inflow) - known)
        if unknown:
            raise serializers.ValidationError(f"Ukendte målgrupper: {', '.join(unknown)[:200]}.")
        return {code: n for code, n in inflow.items() if n}


@extend_schema(tags=["organisation"])
class TeamViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TeamSerializer

    def get_queryset(self):
        return teams_visible_to(self.request.user).prefetch_related("leaders")


@extend_schema(tags=["organisation"])
class StaffMemberViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = StaffMemberSerializer

    def get_queryset(self):
        staff = StaffMember.objects.select_related("user")
        if is_admin(self.request.user):
            return staff
        return staff.filter(team__in=teams_visible_to(self.request.user)).exclude(role=Role.ADMIN)


@extend_schema(tags=["forecasts"])
class ForecastViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Workload and cost forecasts (team leaders and admins)."""

    permission_classes = [IsTeamLeaderOrAdmin]
    queryset = ForecastSnapshot.objects.all()

    def get_serializer_class(self):
        return ForecastSummarySerializer if self.action == "list" else ForecastSerializer

    @extend_schema(
        request=ForecastRequestSerializer,
        responses={202: ForecastSummarySerializer, 503: ErrorSerializer, **ERRORS},
        description="Starter prognosen som Celery-job og svarer 202 med jobbets URL (også i Location).",
    )
    def create(self, request):
        data = ForecastRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rule_sets = [rs.code for rs in data.validated_data.get("rule_sets") or []] or list(
            RuleSet.objects.filter(status=RuleSet.Status.ACTIVE).values_list("code", flat=True)
        )
        try:
            snapshot, _created = forecast_request(
                rule_sets=rule_sets,
                on=timezone.localdate(),
                months=data.validated_data["months"],
                inflow=data.validated_data.get("inflow") or {},
                user=request.user,
            )
        except (KeyError, ValueError) as exc:
            raise serializers.ValidationError({"rule_sets": [str(exc)[:200]]}) from None
        if snapshot.status != ForecastSnapshot.Status.DONE and not queue_forecast(snapshot):
            raise QueueUnavailable()
        body = ForecastSummarySerializer(snapshot).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["url"]})
