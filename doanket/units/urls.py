from django.urls import path

from doanket.units import views

app_name = "units"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/children/", views.children, name="children"),
    path("member-orgs/<int:pk>/", views.member_org_detail, name="member_org"),
]
