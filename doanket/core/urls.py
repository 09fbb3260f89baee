from django.urls import path

from doanket.core import views

app_name = "core"
urlpatterns = [
    path("", views.notifications, name="notifications"),
    path("<int:pk>/open/", views.notification_open, name="notification_open"),
    path("read-all/", views.notifications_read_all, name="notifications_read_all"),
]
