"""The catalogue in the Django admin: admins edit target groups, rule sets and rules, with history.

Status changes go through the actions "Kopiér som kladde", "Aktivér" and "Sæt som udgået" (thin
callers of ``catalogue.services``), never through the form, so activation is always checked.
Every save and delete of a target group, rule set or rule goes through ``catalogue.services`` (the
one write path, shared with the API), which validates it and announces the change.
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
            "first_deadline_days", "recurring_every_months", "performed_by", "channels", "quota_pct",
            "exemptable", "legal_reference", "note", "provisional", "position",
        )


class ServiceWrites:
    """Saves and deletes through catalogue.services; a refusal is shown as an error message."""

    def _through(self, request, write, **kwargs) -> bool:
        try:
            write(user=request.user, **kwargs)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return False
        return True

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ContactRuleInline(admin.TabularInline):
    model = ContactRule
    form = ContactRuleForm
    extra = 0
    show_change_link = True
    fields = (
        "code", "target_group", "kind", "count", "window_from_months", "window_to_months",
        "first_deadline_days", "recurring_every_months", "performed_by", "channels", "quota_pct",
        "exemptable", "provisional", "legal_reference",
    )
    autocomplete_fields = ("target_group",)


@admin.register(TargetGroup)
class TargetGroupAdmin(AdminOnly, SimpleHistoryAdmin):
    list_display = ("code", "name_da", "generation", "maps_to", "provisional")
    list_filter = ("generation", "provisional")
    search_fields = ("code", "name_da", "name_en")

    def save_model(self, request, obj, form, change):
        services.target_group_save(group=obj, user=request.user)


@admin.register(RuleSet)
class RuleSetAdmin(ServiceWrites, AdminOnly, SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "status", "valid_from", "valid_to", "based_on", "provisional")
    list_filter = ("status", "kind", "provisional")
    search_fields = ("code", "name")
    readonly_fields = ("status", "based_on")
    inlines = [ContactRuleInline]
    actions = ["copy_as_draft", "activate", "retire"]

    def has_delete_permission(self, request, obj=None):
        # An active set is retired, not deleted: its history explains past obligations.
        if obj is not None and obj.status == RuleSet.Status.ACTIVE:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        services.rule_set_save(rule_set=obj, user=request.user)

    def save_formset(self, request, form, formset, change):
        rules = formset.save(commit=False)
        services.contact_rules_apply(save=rules, delete=formset.deleted_objects, user=request.user)
        formset.save_m2m()

    def delete_model(self, request, obj):
        self._through(request, services.rule_set_delete, rule_set=obj)

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
class ContactRuleAdmin(ServiceWrites, AdminOnly, SimpleHistoryAdmin):
    form = ContactRuleForm
    list_display = ("code", "rule_set", "target_group", "kind", "count", "quota_pct", "provisional")
    list_filter = ("rule_set", "target_group__generation", "kind", "provisional")
    search_fields = ("code", "legal_reference", "note")
    autocomplete_fields = ("target_group",)
    list_select_related = ("rule_set", "target_group")

    def save_model(self, request, obj, form, change):
        services.contact_rule_save(rule=obj, user=request.user)

    def delete_model(self, request, obj):
        self._through(request, services.contact_rule_delete, rule=obj)


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
