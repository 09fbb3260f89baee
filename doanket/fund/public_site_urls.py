from django.urls import include, path

from doanket.fund import public_urls

app_name = "public"
urlpatterns = [path("fund/", include(public_urls))]
