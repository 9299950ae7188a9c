"""The catalogue in the Django admin: admins edit target groups, rule sets and rules, with history.

Status changes go through the actions "Kopiér som kladde", "Aktivér" and "Sæt som udgået" (thin
callers of ``catalogue.services``), never through the form, so activation is always checked.
Every save and delete of a target group, rule set or rule goes through ``catalogue.services`` (the
one write path, shared with the API), which validates it and announces the change.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import actions as admin_actions
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from catalogue import services
from catalogue.labels import label_choices
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
from jobcenter.perms import AdminOnly, is_admin
from jobcenter.templatetags.economy import format_number, kr


class ContactRuleForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        label=_("Kanaler der tæller"),
        choices=label_choices(CHANNEL_LABELS),
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


class ContactRuleInline(admin.StackedInline):
    """Stacked, several fields to a line: every input keeps its own label (a tabular inline of 14
    columns was 2,364 px wide and left its inputs unlabelled for screen readers)."""

    model = ContactRule
    form = ContactRuleForm
    extra = 0
    show_change_link = True
    fields = (
        ("code", "target_group", "kind"),
        ("count", "window_from_months", "window_to_months"),
        ("first_deadline_days", "recurring_every_months", "cadence", "applies_when"),
        ("performed_by", "quota_pct", "exemptable", "provisional"),
        "channels",
        "legal_reference",
    )


@admin.register(TargetGroup)
class TargetGroupAdmin(AdminOnly, SimpleHistoryAdmin):
    list_display = ("code", "name_da", "generation", "maps_to", "closed_from", "provisional")
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
    filter_horizontal = ("disabled_for_teams",)  # local service levels switched off per team
    inlines = [ContactRuleInline]
    actions = ["copy_as_draft", "activate", "retire", "delete_selected"]

    # An active set is retired, not deleted: its history explains past obligations. Deleting one
    # is refused with this message (not Django's generic "no permission").
    ACTIVE_NOT_DELETABLE = _(
        "Regelsættet '%(code)s' er aktivt og kan ikke slettes, fordi det forklarer borgernes "
        "kontaktkrav. Sæt det som udgået (handlingen »Sæt som udgået«); et udgået regelsæt, som "
        "ingen kontaktkrav bygger på, kan derefter slettes."
    )

    def _refuse_active(self, request, rule_sets) -> bool:
        active = [rs for rs in rule_sets if rs.status == RuleSet.Status.ACTIVE]
        for rule_set in active:
            self.message_user(request, self.ACTIVE_NOT_DELETABLE % {"code": rule_set.code}, messages.ERROR)
        return bool(active)

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and is_admin(request.user) and self._refuse_active(request, [obj]):
            return redirect(reverse("admin:catalogue_ruleset_change", args=[obj.pk]))
        return super().delete_view(request, object_id, extra_context)

    @admin.action(permissions=["delete"], description=admin_actions.delete_selected.short_description)
    def delete_selected(self, request, queryset):
        if self._refuse_active(request, queryset.filter(status=RuleSet.Status.ACTIVE)):
            return None
        return admin_actions.delete_selected(self, request, queryset)

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
                request,
                gettext("'%(code)s' er kopieret som kladden '%(copy)s'.")
                % {"code": rule_set.code, "copy": copy.code},
                messages.SUCCESS,
            )

    @admin.action(description=_("Aktivér"))
    def activate(self, request, queryset):
        for rule_set in queryset:
            try:
                services.rule_set_activate(rule_set=rule_set, user=request.user)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(
                        request,
                        gettext("'%(code)s' kan ikke aktiveres: %(reason)s")
                        % {"code": rule_set.code, "reason": message},
                    )
            else:
                self.message_user(
                    request, gettext("'%(code)s' er aktiveret.") % {"code": rule_set.code}, messages.SUCCESS
                )

    @admin.action(description=_("Sæt som udgået"))
    def retire(self, request, queryset):
        for rule_set in queryset:
            try:
                services.rule_set_retire(rule_set=rule_set, user=request.user)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                retired = gettext("'%(code)s' er sat som udgået.") % {"code": rule_set.code}
                self.message_user(request, retired, messages.SUCCESS)


@admin.register(ContactRule)
class ContactRuleAdmin(ServiceWrites, AdminOnly, SimpleHistoryAdmin):
    form = ContactRuleForm
    list_display = (
        "code", "rule_set", "target_group", "kind", "count", "cadence", "quota_pct", "provisional",
    )
    list_filter = ("rule_set", "target_group__generation", "kind", "provisional")
    search_fields = ("code", "legal_reference", "note")
    list_select_related = ("rule_set", "target_group")

    def save_model(self, request, obj, form, change):
        services.contact_rule_save(rule=obj, user=request.user)

    def delete_model(self, request, obj):
        self._through(request, services.contact_rule_delete, rule=obj)


# Amounts the Danish way (1.234.567 kr.), not Django's "230000,00".
def cost_value_text(assumption: CostAssumption) -> str:
    key, value = assumption.key, assumption.value
    if key in (CostAssumption.Key.FTE_COST, CostAssumption.Key.BENEFIT_COST):
        return kr(value)
    number = format_number(value, 0 if value == int(value) else 1)
    if key in (CostAssumption.Key.MINUTES_PER_CONTACT, CostAssumption.Key.PREP_MINUTES):
        return gettext("%(n)s min.") % {"n": number}
    if key in (CostAssumption.Key.IN_PERSON_SHARE, CostAssumption.Key.TALK_SHARE):
        return f"{number} %"
    if key == CostAssumption.Key.PRODUCTIVE_HOURS:
        return gettext("%(n)s timer") % {"n": number}
    return number


@admin.register(CostAssumption)
class CostAssumptionAdmin(AdminOnly, SimpleHistoryAdmin):
    list_display = (
        "key", "kind", "channel", "target_group", "value_display", "valid_from", "provisional", "source",
    )
    list_filter = ("key", "provisional")

    @admin.display(description=_("værdi"), ordering="value")
    def value_display(self, obj):
        return cost_value_text(obj)


@admin.register(MunicipalRequirement)
class MunicipalRequirementAdmin(AdminOnly, SimpleHistoryAdmin):
    list_display = ("year", "specified_display", "unspecified_display", "illustrative", "source")

    @admin.display(description=_("specificeret reduktion"), ordering="specified")
    def specified_display(self, obj):
        return kr(obj.specified)

    @admin.display(description=_("uspecificeret reduktion"), ordering="unspecified")
    def unspecified_display(self, obj):
        return kr(obj.unspecified)


@admin.register(Initiative)
class InitiativeAdmin(AdminOnly, SimpleHistoryAdmin):
    list_display = (
        "title", "category", "type", "target_2029_display", "realisation", "status", "risk_rating",
    )
    list_filter = ("category", "type", "status", "risk_rating", "realisation")
    search_fields = ("title", "description", "owner")

    @admin.display(description=_("mål 2029"), ordering="target_2029")
    def target_2029_display(self, obj):
        return kr(obj.target_2029)


@admin.register(Investment)
class InvestmentAdmin(AdminOnly, SimpleHistoryAdmin):
    list_display = (
        "title", "yearly_cost_display", "target_group", "fewer_recipients", "effect_from", "illustrative",
    )

    @admin.display(description=_("årlig udgift"), ordering="yearly_cost")
    def yearly_cost_display(self, obj):
        return kr(obj.yearly_cost)
