from django.urls import path

from front import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("info/<slug:slug>/", views.PageView.as_view(), name="page"),
]
