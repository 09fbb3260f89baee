from django.urls import path

from doanket.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.index, name="index"),
    path("r/<int:pk>/", views.report_detail, name="report"),
    path("<str:form_code>/<int:unit_pk>/<str:period_code>/open/", views.open_report, name="open"),
    path("<str:form_code>/<int:unit_pk>/<str:period_code>/", views.rollup, name="rollup"),
    path(
        "<str:form_code>/<int:unit_pk>/<str:period_code>/completeness/",
        views.completeness,
        name="completeness",
    ),
]
