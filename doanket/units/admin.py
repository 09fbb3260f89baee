from django.contrib import admin

from doanket.units.models import MemberOrg, Succession, Unit, UnitLink


class UnitLinkInline(admin.TabularInline):
    model = UnitLink
    fk_name = "child"
    extra = 0
    fields = ["parent", "valid_from", "valid_to", "path"]
    readonly_fields = ["path"]
    raw_id_fields = ["parent"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "valid_from", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["name", "name_folded", "code"]
    inlines = [UnitLinkInline]


@admin.register(Succession)
class SuccessionAdmin(admin.ModelAdmin):
    list_display = ["old", "new", "kind", "primary", "date"]
    list_filter = ["kind", "primary"]
    raw_id_fields = ["old", "new"]


@admin.register(MemberOrg)
class MemberOrgAdmin(admin.ModelAdmin):
    list_display = ["name", "org_type", "unit"]
    list_filter = ["org_type"]
    search_fields = ["name", "name_folded"]
    raw_id_fields = ["unit"]
