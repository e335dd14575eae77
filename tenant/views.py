from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views import View
from django.views.generic import FormView
from oauth2_provider.views.mixins import OAuthLibMixin, ScopedResourceMixin

from tenant.forms import EmailAuthenticationForm, QueuedPasswordResetForm, SignUpForm
from tenant.privacy import personal_data_erase, personal_data_export
from tenant.selectors import token_subject
from tenant.services import user_register

SERVICE_TO_FORM_FIELD = {"email": "email", "password": "password1"}


class SignUpView(FormView):
    template_name = "accounts/signup.html"
    form_class = SignUpForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("home")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            user = user_register(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                full_name=form.cleaned_data["full_name"],
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(SERVICE_TO_FORM_FIELD.get(field), messages)
            return self.form_invalid(form)
        login(self.request, user, backend="tenant.backends.MembershipBackend")
        return redirect("home")


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    template_name = "accounts/logged_out.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = QueuedPasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class MeApiView(ScopedResourceMixin, OAuthLibMixin, View):
    """``GET /api/me``: who the bearer token speaks for, and their roles at this convention."""

    required_scopes = ["read"]

    def get(self, request):
        valid, oauth_request = self.verify_request(request)
        if not valid:
            error = getattr(oauth_request, "oauth2_error", {}) or {"error": "invalid_token"}
            response = JsonResponse(dict(error), status=401)
            response["WWW-Authenticate"] = f'Bearer error="{error.get("error", "invalid_token")}"'
            return response
        return JsonResponse(
            token_subject(
                tenant=request.tenant, user=oauth_request.user, application=oauth_request.client
            )
        )


class MediaFileView(View):
    """Serve an upload of the tenant being served; other tenants' files do not exist here.

    Behind a web server in production, prefer letting it serve MEDIA_ROOT/<schema>/ per host.
    """

    def get(self, request, path: str):
        try:
            if not default_storage.exists(path):
                raise Http404("No such file.")
            return FileResponse(default_storage.open(path))
        except (SuspiciousFileOperation, IsADirectoryError):
            raise Http404("No such file.") from None


class MyDataView(LoginRequiredMixin, View):
    """Everything this convention holds about the logged-in person (every app's part), as a
    JSON download."""

    def get(self, request):
        data = personal_data_export(account=request.user)
        response = JsonResponse(data, json_dumps_params={"indent": 2})
        response["Content-Disposition"] = 'attachment; filename="my-data.json"'
        return response


class MyDataDeleteView(LoginRequiredMixin, View):
    """The person asks this convention to delete their data: every app erases its part."""

    def get(self, request):
        return render(request, "privacy/my_data_delete.html")

    def post(self, request):
        personal_data_erase(account=request.user)
        return redirect("home")
