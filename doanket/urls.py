from django.contrib import admin
from django.urls import include, path

from doanket.accounts import views as account_views
from doanket.api.urls import api

urlpatterns = [
    path("", account_views.home, name="home"),
    path("search/", account_views.search, name="search"),
    path("accounts/", include("doanket.accounts.urls")),
    path("notifications/", include("doanket.core.urls")),
    path("units/", include("doanket.units.urls")),
    path("households/", include("doanket.households.urls")),
    path("fund/", include("doanket.fund.urls")),
    path("public/", include("doanket.fund.public_site_urls")),
    path("reports/definitions/", include("doanket.reporting.definition_urls")),
    path("reports/", include("doanket.reporting.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
