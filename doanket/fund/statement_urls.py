"""URLs of the fund's statement pages (names prefixed `statement` in the fund namespace)."""

from django.urls import path

from doanket.fund import statement_views as views

urlpatterns = [
    path("", views.statement_index, name="statement_index"),
    path("<int:unit_pk>/", views.statement, name="statement"),
    path("<int:unit_pk>/xlsx/", views.statement_xlsx, name="statement_xlsx"),
    path("<int:unit_pk>/pdf/", views.statement_pdf, name="statement_pdf"),
    # from a fund's own pages, which know the fund rather than its unit
    path("fund/<int:fund_pk>/", views.statement_of_fund, name="statements"),
]
