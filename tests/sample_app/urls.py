from django.http import HttpResponse
from django.urls import path

app_name = "sample_app"
urlpatterns = [path("", lambda request: HttpResponse("shifts"), name="index")]
