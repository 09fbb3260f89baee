from django.urls import include, path

from doanket.households import evaluation_urls, import_urls, poverty_urls, register_urls

app_name = "households"
urlpatterns = [
    path("", include(register_urls)),
    path("import/", include(import_urls)),
    path("evaluation/", include(evaluation_urls)),
    path("poverty/", include(poverty_urls)),
]
