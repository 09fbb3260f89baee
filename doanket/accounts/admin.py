from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from doanket.accounts.models import ApiToken, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    raw_id_fields = ["unit", "member_org", "granted_by"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "full_name", "email", "is_active", "is_superuser"]
    search_fields = ["username", "full_name", "full_name_folded", "email"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        ("Đoàn Kết", {"fields": ["full_name", "phone", "position"]}),
    ]
    inlines = [MembershipInline]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at"]
    readonly_fields = ["prefix", "digest", "created_at", "last_used_at"]
    raw_id_fields = ["user"]
