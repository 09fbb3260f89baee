from django.urls import path

from doanket.reporting import definition_views as views

app_name = "definitions"
urlpatterns = [
    path("", views.form_list, name="forms"),
    path("indicators/", views.indicator_list, name="indicators"),
    path("indicators/new/", views.indicator_create, name="indicator_create"),
    path("indicators/<int:pk>/", views.indicator_edit, name="indicator_edit"),
    path("forms/new/", views.form_create, name="form_create"),
    path("forms/<int:pk>/", views.form_detail, name="form"),
    path("forms/<int:pk>/edit/", views.form_edit, name="form_edit"),
    path("forms/<int:pk>/versions/new/", views.version_create, name="version_create"),
    path("versions/<int:pk>/", views.version_detail, name="version"),
    path("versions/<int:pk>/delete/", views.version_delete, name="version_delete"),
    path("versions/<int:pk>/narrative/", views.narrative_save, name="narrative"),
    path("versions/<int:pk>/sections/new/", views.section_add, name="section_add"),
    path("versions/<int:pk>/rules/new/", views.rule_add, name="rule_add"),
    path("sections/<int:pk>/rename/", views.section_rename, name="section_rename"),
    path("sections/<int:pk>/delete/", views.section_delete, name="section_delete"),
    path("sections/<int:pk>/items/new/", views.item_add, name="item_add"),
    path("items/<int:pk>/move/", views.item_move, name="item_move"),
    path("items/<int:pk>/remove/", views.item_remove, name="item_remove"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
]
