from django.urls import path

from directory.views import ConventionsCalendarView, MyConventionsView, PlatformHomeView

urlpatterns = [
    path("", PlatformHomeView.as_view(), name="home"),
    path("conventions.ics", ConventionsCalendarView.as_view(), name="conventions-ics"),
    path("my/conventions/", MyConventionsView.as_view(), name="my-conventions"),
]
