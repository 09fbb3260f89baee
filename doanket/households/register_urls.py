"""URLs of the household register pages (names are prefixed inside the households namespace)."""

from django.urls import path

from doanket.households import figure_views
from doanket.households import register_views as views

urlpatterns = [
    path("", views.index, name="index"),
    path("area/<int:pk>/", views.area_page, name="area"),
    path("area/<int:pk>/xlsx/", views.area_xlsx, name="area_xlsx"),
    path("area/<int:pk>/register/<str:year>/", views.registration, name="register"),
    path("h/<int:pk>/", views.household_page, name="household"),
    path("figure/", figure_views.figure, name="figure"),
]
