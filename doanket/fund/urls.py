from django.urls import include, path

from doanket.fund import ledger_urls, statement_urls

app_name = "fund"
urlpatterns = [
    path("", include(ledger_urls)),
    path("statements/", include(statement_urls)),
]
