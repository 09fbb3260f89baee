from django.urls import path

from doanket.reporting import excel_views, views

app_name = "reporting"
urlpatterns = [
    path("", views.index, name="index"),
    path("r/<int:pk>/", views.report_detail, name="report"),
    path(
        "r/<int:pk>/files/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "r/<int:pk>/files/<int:attachment_pk>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("r/<int:pk>/template.xlsx", excel_views.template_download, name="template"),
    path("r/<int:pk>/upload/", excel_views.upload, name="upload"),
    path("r/<int:pk>/upload/<int:upload_pk>/", excel_views.upload_confirm, name="upload_confirm"),
    path("<str:form_code>/<int:unit_pk>/<str:period_code>/open/", views.open_report, name="open"),
    path("<str:form_code>/<int:unit_pk>/<str:period_code>/", views.rollup, name="rollup"),
    path(
        "<str:form_code>/<int:unit_pk>/<str:period_code>/completeness/",
        views.completeness,
        name="completeness",
    ),
    path(
        "<str:form_code>/<int:unit_pk>/<str:period_code>/summary.xlsx",
        excel_views.summary_export,
        name="summary",
    ),
]
