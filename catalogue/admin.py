"""The catalogue in the Django admin: admins edit target groups, rule sets and rules, with history.

Status changes go through the actions "Kopiér som kladde", "Aktivér" and "Sæt som udgået" (thin
callers of ``catalogue.services``), never through the form, so activation is always checked.
Saving or deleting anything that the engine uses refreshes the stored obligations after commit.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from catalogue import services
from catalogue.models import (
    ContactRule,
    CostAssumption,
    Initiative,
    Investment,
    MunicipalRequirement,
    RuleSet,
    TargetGroup,
)
from catalogue.rulebook import CHANNEL_LABELS
from jobcenter.perms import is_admin


class AdminOnly:
    """Only role admin (or a superuser) sees and edits the catalogue, whatever Django perms say."""

    def has_module_permission(self, request):
        return is_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_admin(request.user)

    def has_add_permission(self, request, *args):
        return is_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_admin(request.user)


class ContactRuleForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        label=_("kanaler der tæller"),
        choices=list(CHANNEL_LABELS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,  # the model's clean() says "mindst én kanal" next to the field
    )

    class Meta:
        model = ContactRule
        fields = (
            "rule_set", "code", "target_group", "kind", "count", "window_from_months", "window_to_months",
            "first_deadline_days", "recurring_every_months", "cadence", "applies_when", "performed_by",
            "channels", "quota_pct", "exemptable", "legal_reference", "note", "provisional", "position",
        )


def _affects_engine(rule_set: RuleSet | None, changed: bool = False) -> bool:
    return changed or (rule_set is not None and rule_set.status == RuleSet.Status.ACTIVE)


class ContactRuleInline(admin.TabularInline):
    model = ContactRule
    form = ContactRuleForm
    extra = 0
    show_change_link = True
    fields = (
        "code", "target_group", "kind", "count", "window_from_months", "window_to_months",
        "first_deadline_days", "recurring_every_months", "cadence", "applies_when", "performed_by",
        "channels", "quota_pct", "exemptable", "provisional", "legal_reference",
    )
    autocomplete_fields = ("target_group",)


@admin.register(TargetGroup)
class TargetGroupAdmin(AdminOnly, SimpleHistoryAdmin):
    list_display = ("code", "name_da", "generation", "maps_to", "closed_from", "provisional")
    list_filter = ("generation", "provisional")
    search_fields = ("code", "name_da", "name_en")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.schedule_obligation_refresh()  # the group mapping decides which rules apply


@admin.register(RuleSet)
class RuleSetAdmin(AdminOnly, SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "status", "valid_from", "valid_to", "based_on", "provisional")
    list_filter = ("status", "kind", "provisional")
    search_fields = ("code", "name")
    readonly_fields = ("status", "based_on")
    filter_horizontal = ("disabled_for_teams",)  # local service levels switched off per team
    inlines = [ContactRuleInline]
    actions = ["copy_as_draft", "activate", "retire"]

    def has_delete_permission(self, request, obj=None):
        # An active set is retired, not deleted: its history explains past obligations.
        if obj is not None and obj.status == RuleSet.Status.ACTIVE:
            return False
        return super().has_delete_permission(request, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if _affects_engine(form.instance):
            services.schedule_obligation_refresh()

    def delete_model(self, request, obj):
        active = _affects_engine(obj)
        super().delete_model(request, obj)
        if active:
            services.schedule_obligation_refresh()

    def delete_queryset(self, request, queryset):
        active = queryset.filter(status=RuleSet.Status.ACTIVE).exists()
        super().delete_queryset(request, queryset)
        if active:
            services.schedule_obligation_refresh()

    @admin.action(description=_("Kopiér som kladde"))
    def copy_as_draft(self, request, queryset):
        for rule_set in queryset:
            copy = services.rule_set_copy_as_draft(rule_set=rule_set, user=request.user)
            self.message_user(
                request, f"'{rule_set.code}' er kopieret som kladden '{copy.code}'.", messages.SUCCESS
            )

    @admin.action(description=_("Aktivér"))
    def activate(self, request, queryset):
        for rule_set in queryset:
            try:
                services.rule_set_activate(rule_set=rule_set, user=request.user)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, f"'{rule_set.code}' kan ikke aktiveres: {message}")
            else:
                self.message_user(request, f"'{rule_set.code}' er aktiveret.", messages.SUCCESS)

    @admin.action(description=_("Sæt som udgået"))
    def retire(self, request, queryset):
        for rule_set in queryset:
            try:
                services.rule_set_retire(rule_set=rule_set, user=request.user)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                self.message_user(request, f"'{rule_set.code}' er sat som udgået.", messages.SUCCESS)


@admin.register(ContactRule)
class ContactRuleAdmin(AdminOnly, SimpleHistoryAdmin):
    form = ContactRuleForm
    list_display = (
        "code", "rule_set", "target_group", "kind", "count", "cadence", "quota_pct", "provisional",
    )
    list_filter = ("rule_set", "target_group__generation", "kind", "provisional")
    search_fields = ("code", "legal_reference", "note")
    autocomplete_fields = ("target_group",)
    list_select_related = ("rule_set", "target_group")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        previous = form.initial.get("rule_set")
        moved = "rule_set" in form.changed_data and RuleSet.objects.filter(
            pk=previous, status=RuleSet.Status.ACTIVE
        ).exists()
        if _affects_engine(form.instance.rule_set, moved):
            services.schedule_obligation_refresh()

    def delete_model(self, request, obj):
        active = _affects_engine(obj.rule_set)
        super().delete_model(request, obj)
        if active:
            services.schedule_obligation_refresh()

    def delete_queryset(self, request, queryset):
        active = queryset.filter(rule_set__status=RuleSet.Status.ACTIVE).exists()
        super().delete_queryset(request, queryset)
        if active:
            services.schedule_obligation_refresh()


@admin.register(CostAssumption)
class CostAssumptionAdmin(AdminOnly, SimpleHistoryAdmin):
    list_display = ("key", "kind", "channel", "target_group", "value", "valid_from", "provisional", "source")
    list_filter = ("key", "provisional")


@admin.register(MunicipalRequirement)
class MunicipalRequirementAdmin(AdminOnly, SimpleHistoryAdmin):
    list_display = ("year", "specified", "unspecified", "illustrative", "source")


@admin.register(Initiative)
class InitiativeAdmin(AdminOnly, SimpleHistoryAdmin):
    list_display = ("title", "category", "type", "target_2029", "realisation", "status", "risk_rating")
    list_filter = ("category", "type", "status", "risk_rating", "realisation")
    search_fields = ("title", "description", "owner")


@admin.register(Investment)
class InvestmentAdmin(AdminOnly, SimpleHistoryAdmin):
    list_display = ("title", "yearly_cost", "target_group", "fewer_recipients", "effect_from", "illustrative")
