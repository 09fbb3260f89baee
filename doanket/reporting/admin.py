from django.contrib import admin

from doanket.reporting.models import (
    FormItem,
    FormSection,
    FormVersion,
    Indicator,
    Report,
    ReportForm,
    ValidationRule,
)


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "measure",
        "value_type",
        "aggregation",
        "source",
        "content_area",
    ]
    list_filter = ["source", "value_type", "content_area"]
    search_fields = ["code", "name", "name_folded"]


class FormVersionInline(admin.TabularInline):
    model = FormVersion
    extra = 0
    show_change_link = True


@admin.register(ReportForm)
class ReportFormAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "schedule", "cutoff_rule", "deadline_days", "active"]
    inlines = [FormVersionInline]


class FormSectionInline(admin.TabularInline):
    model = FormSection
    extra = 0
    show_change_link = True


class ValidationRuleInline(admin.TabularInline):
    model = ValidationRule
    extra = 0


@admin.register(FormVersion)
class FormVersionAdmin(admin.ModelAdmin):
    list_display = ["form", "number", "valid_from_year"]
    inlines = [FormSectionInline, ValidationRuleInline]


class FormItemInline(admin.TabularInline):
    model = FormItem
    extra = 0
    autocomplete_fields = ["indicator"]


@admin.register(FormSection)
class FormSectionAdmin(admin.ModelAdmin):
    list_display = ["title", "version", "order"]
    inlines = [FormItemInline]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["form", "unit", "member_org", "period_code", "status", "submitted_at"]
    list_filter = ["form", "status", "period_code"]
    raw_id_fields = ["unit", "member_org", "submitted_by", "decided_by"]
    readonly_fields = ["version"]

    def has_delete_permission(self, request, obj=None):
        return False
