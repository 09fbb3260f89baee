"""URLs of the household evaluation pages (names are prefixed inside the households namespace)."""

from django.urls import path

from doanket.households import evaluation_views as views
from doanket.households import title_views

urlpatterns = [
    path("", views.evaluation_index, name="eval_index"),
    path("<int:area_pk>/<int:year>/", views.evaluation_detail, name="eval_detail"),
    path("<int:area_pk>/<int:year>/meeting/", views.evaluation_meeting, name="eval_meeting"),
    path("<int:area_pk>/<int:year>/minutes/", views.evaluation_minutes, name="eval_minutes"),
    path(
        "<int:area_pk>/<int:year>/mark/<int:household_pk>/",
        views.evaluation_mark,
        name="eval_mark",
    ),
    path("<int:area_pk>/<int:year>/mark-all/", views.evaluation_mark_all, name="eval_mark_all"),
    path("<int:area_pk>/<int:year>/post/", views.evaluation_post, name="eval_post"),
    path("<int:area_pk>/<int:year>/comments/", views.evaluation_comment, name="eval_comment"),
    path("<int:area_pk>/<int:year>/propose/", views.evaluation_propose, name="eval_propose"),
    path("<int:area_pk>/<int:year>/decide/", views.evaluation_decide, name="eval_decide"),
    path(
        "<int:area_pk>/<int:year>/documents/<slug:kind>.<slug:fmt>",
        views.evaluation_document,
        name="eval_document",
    ),
    path("unit/<int:unit_pk>/<int:year>/", views.evaluation_unit, name="eval_unit"),
    path("titles/<int:area_pk>/<int:year>/", title_views.title_detail, name="title_detail"),
    path("titles/<int:area_pk>/<int:year>/decide/", title_views.title_decide, name="title_decide"),
    path("titles/<int:area_pk>/<int:year>/file/", title_views.title_file, name="title_file"),
    path("titles/unit/<int:unit_pk>/<int:year>/", title_views.title_list, name="title_list"),
    path("streaks/<int:unit_pk>/", title_views.streak_list, name="streak_list"),
    path("streaks/<int:unit_pk>/reward/", title_views.streak_reward, name="streak_reward"),
]
