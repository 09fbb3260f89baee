"""URLs of the household import pages (names are prefixed inside the households namespace)."""

from django.urls import path

from doanket.households import import_views as views

urlpatterns = [
    path("", views.import_start, name="import_start"),
    path("<int:pk>/", views.import_batch, name="import_batch"),
    path("<int:pk>/mapping/", views.import_mapping, name="import_mapping"),
    path("<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("<int:pk>/cancel/", views.import_cancel, name="import_cancel"),
]
