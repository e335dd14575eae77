"""The door's pages. Thin: each checks permission, validates a form, calls a selector or one
service, renders."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View


class DeskView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "kiosk.operate_desk"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "kiosk/desk.html", {})
