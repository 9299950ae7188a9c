from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from catalogue.models import CostAssumption, Initiative, Investment, MunicipalRequirement


@admin.register(CostAssumption)
class CostAssumptionAdmin(SimpleHistoryAdmin):
    list_display = ("key", "kind", "channel", "target_group", "value", "valid_from", "provisional", "source")
    list_filter = ("key", "provisional")


@admin.register(MunicipalRequirement)
class MunicipalRequirementAdmin(SimpleHistoryAdmin):
    list_display = ("year", "specified", "unspecified", "illustrative", "source")


@admin.register(Initiative)
class InitiativeAdmin(SimpleHistoryAdmin):
    list_display = ("title", "category", "type", "target_2029", "realisation", "status", "risk_rating")
    list_filter = ("category", "type", "status", "risk_rating", "realisation")
    search_fields = ("title", "description", "owner")


@admin.register(Investment)
class InvestmentAdmin(SimpleHistoryAdmin):
    list_display = ("title", "yearly_cost", "target_group", "fewer_recipients", "effect_from", "illustrative")
