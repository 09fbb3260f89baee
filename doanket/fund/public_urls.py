"""URLs of the fund's public pages (names prefixed `fund_` in the public namespace); no
login is asked."""

from django.urls import path

from doanket.fund import public_views as views

urlpatterns = [
    path("", views.fund_index, name="fund_index"),
    path("<int:fund_pk>/<int:year>/<int:month>/", views.fund_period, name="fund_period"),
]
