"""URLs of the household poverty pages (names are prefixed inside the households namespace)."""

from django.urls import path

from doanket.households import poverty_views as views

urlpatterns = [
    path("area/<int:pk>/<int:year>/", views.poverty_area, name="poverty_area"),
    path(
        "area/<int:pk>/<int:year>/<int:household_pk>/",
        views.poverty_household,
        name="poverty_household",
    ),
    path("unit/<int:pk>/<int:year>/", views.poverty_lists, name="poverty_lists"),
    path("unit/<int:pk>/<int:year>/xlsx/", views.poverty_lists_xlsx, name="poverty_lists_xlsx"),
    path("standards/", views.poverty_standards, name="poverty_standards"),
]
