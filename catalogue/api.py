"""The catalogue API: target groups, rule sets and contact rules (everyone reads, admins write),
cost assumptions and the reduction and investment catalogues (team leaders and admins read)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from catalogue import services
from catalogue.models import ContactRule, CostAssumption, Initiative, Investment, RuleSet, TargetGroup
from jobcenter.api_base import ErrorSerializer, IsAdminOrReadOnly, IsTeamLeaderOrAdmin, StrictModelSerializer

ERRORS = {code: ErrorSerializer for code in (400, 401, 403, 404, 413, 415, 429)}


class CleanedModelSerializer(StrictModelSerializer):
    """Runs the model's own validation (``full_clean``) and records the admin in the history.
    Rule data (groups, sets, rules) is written by its catalogue service instead (``write``)."""

    write = None  # a service taking (instance, user): the one write path for rule data

    def _save(self, instance):
        user = self.context["request"].user
        try:
            if self.write is not None:
                return type(self).write(instance, user)
            instance.full_clean()
        except DjangoValidationError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
            raise serializers.ValidationError(detail) from None
        instance._history_user = user
        instance.save()
        return instance

    @transaction.atomic
    def create(self, validated_data):
        return self._save(self.Meta.model(**validated_data))

    @transaction.atomic
    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return self._save(instance)


class TargetGroupSerializer(CleanedModelSerializer):
    write = staticmethod(lambda group, user: services.target_group_save(group=group, user=user))
    maps_to = serializers.SlugRelatedField(
        slug_field="code", queryset=TargetGroup.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = TargetGroup
        fields = ["id", "code", "name_da", "name_en", "description", "legal_basis", "benefits",
                  "generation", "provisional", "maps_to", "closed_from", "closed_note"]


class RuleSetSerializer(CleanedModelSerializer):
    write = staticmethod(lambda rule_set, user: services.rule_set_save(rule_set=rule_set, user=user))
    disabled_for_teams = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = RuleSet
        fields = ["id", "code", "name", "status", "kind", "valid_from", "valid_to", "based_on", "note",
                  "provisional", "illustrative", "transition", "transition_note", "disabled_for_teams"]
        read_only_fields = ["status", "based_on"]


class ContactRuleSerializer(CleanedModelSerializer):
    target_group = serializers.SlugRelatedField(slug_field="code", queryset=TargetGroup.objects.all())
    channels = serializers.ListField(child=serializers.CharField(max_length=20), max_length=10)
    write = staticmethod(lambda rule, user: services.contact_rule_save(rule=rule, user=user))

    class Meta:
        model = ContactRule
        fields = ["id", "rule_set", "code", "target_group", "kind", "count", "window_from_months",
                  "window_to_months", "first_deadline_days", "recurring_every_months", "cadence",
                  "applies_when", "performed_by", "channels", "quota_pct", "exemptable", "legal_reference",
                  "note", "provisional", "position"]


class CostAssumptionSerializer(CleanedModelSerializer):
    class Meta:
        model = CostAssumption
        fields = ["id", "key", "kind", "channel", "target_group", "value", "valid_from", "source",
                  "provisional", "note"]


class InitiativeSerializer(CleanedModelSerializer):
    class Meta:
        model = Initiative
        fields = ["id", "title", "description", "category", "type", "target_2026", "target_2027",
                  "target_2028", "target_2029", "owner", "status", "risk_rating", "risk_text",
                  "realisation", "from_rule_set", "to_rule_set", "manual_estimate", "affected_group",
                  "illustrative"]


class InvestmentSerializer(CleanedModelSerializer):
    class Meta:
        model = Investment
        fields = ["id", "title", "description", "yearly_cost", "start_year", "target_group",
                  "fewer_recipients", "effect_from", "illustrative"]


class AdminWritableViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Everyone signed in reads; only admins create and change (no deletes: history is kept)."""

    permission_classes = [IsAdminOrReadOnly]
    http_method_names = ["get", "post", "patch", "head", "options"]


class EconomyViewSet(AdminWritableViewSet):
    permission_classes = [IsTeamLeaderOrAdmin, IsAdminOrReadOnly]


@extend_schema(tags=["rules"])
class TargetGroupViewSet(AdminWritableViewSet):
    queryset = TargetGroup.objects.select_related("maps_to")
    serializer_class = TargetGroupSerializer


@extend_schema(tags=["rules"])
class RuleSetViewSet(AdminWritableViewSet):
    queryset = RuleSet.objects.all()
    serializer_class = RuleSetSerializer

    def _transition(self, request, apply):
        rule_set = self.get_object()
        apply(rule_set=rule_set, user=request.user)
        rule_set.refresh_from_db()
        return Response(RuleSetSerializer(rule_set).data)

    @extend_schema(request=None, responses={200: RuleSetSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        return self._transition(request, services.rule_set_activate)

    @extend_schema(request=None, responses={200: RuleSetSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        return self._transition(request, services.rule_set_retire)

    @extend_schema(request=None, responses={201: RuleSetSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="copy-as-draft")
    def copy_as_draft(self, request, pk=None):
        copy = services.rule_set_copy_as_draft(rule_set=self.get_object(), user=request.user)
        return Response(RuleSetSerializer(copy).data, status=201)


@extend_schema(tags=["rules"])
class ContactRuleViewSet(AdminWritableViewSet):
    queryset = ContactRule.objects.select_related("target_group", "rule_set")
    serializer_class = ContactRuleSerializer


@extend_schema(tags=["economy"])
class CostAssumptionViewSet(EconomyViewSet):
    queryset = CostAssumption.objects.all()
    serializer_class = CostAssumptionSerializer


@extend_schema(tags=["economy"])
class InitiativeViewSet(EconomyViewSet):
    queryset = Initiative.objects.all()
    serializer_class = InitiativeSerializer


@extend_schema(tags=["economy"])
class InvestmentViewSet(EconomyViewSet):
    queryset = Investment.objects.all()
    serializer_class = InvestmentSerializer
