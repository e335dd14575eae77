from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import FormView, TemplateView
from oauth2_provider.views.mixins import OAuthLibMixin, ScopedResourceMixin

from tenant.forms import EmailAuthenticationForm, QueuedPasswordResetForm, SignUpForm
from tenant.privacy import personal_data_erase, personal_data_export
from tenant.selectors import token_subject
from tenant.services import (
    email_confirmation,
    email_mark_verified,
    invitation_by_token,
    membership_accept,
    user_sign_up,
)
from tenant.tokens import password_reset_token

SERVICE_TO_FORM_FIELD = {"email": "email", "password": "password1"}


def _safe_next(request, candidate: str) -> str:
    """``candidate`` if it is a path on this host, else the home page."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


class SignUpView(FormView):
    """Create an account; it is used once its address is confirmed from the mailed link. The
    answer is the same for an address that already has an account (no account oracle)."""

    template_name = "accounts/signup.html"
    form_class = SignUpForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect(_safe_next(request, request.GET.get("next", "")))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"next": self.request.GET.get("next", "")}

    def form_valid(self, form):
        try:
            user_sign_up(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
                full_name=form.cleaned_data["full_name"],
                next_path=_safe_next(self.request, self.request.POST.get("next", "")),
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(SERVICE_TO_FORM_FIELD.get(field), messages)
            return self.form_invalid(form)
        return redirect("signup-sent")


class SignUpSentView(TemplateView):
    template_name = "accounts/signup_sent.html"


class ConfirmEmailView(View):
    """The link mailed at sign-up: one click confirms the address and logs in (a POST, so
    that a mail scanner fetching the link changes nothing)."""

    def _confirmation(self, token: str):
        found = email_confirmation(token=token)
        if found is None:
            raise Http404("This confirmation link is not valid (any more).")
        return found

    def get(self, request, token: str):
        user, _next = self._confirmation(token)
        return render(request, "accounts/confirm_email.html", {"email": user.email})

    def post(self, request, token: str):
        user, next_path = self._confirmation(token)
        email_mark_verified(user=user)
        login(request, user, backend="tenant.backends.MembershipBackend")
        return redirect(_safe_next(request, next_path))


class InvitationView(View):
    """A team invitation mailed by a convention's admin: accepted by the invited account only.
    An account made for the invitation chooses its password here."""

    template_name = "accounts/invitation.html"

    def _membership(self, token: str):
        membership = invitation_by_token(token=token)
        if membership is None:
            raise Http404("This invitation is not valid (any more).")
        return membership

    def _context(self, request, membership, form=None) -> dict:
        invited = membership.user
        return {
            "membership": membership,
            "needs_password": not invited.has_usable_password(),
            "other_account": request.user.is_authenticated and request.user.pk != invited.pk,
            "form": form or SetPasswordForm(invited),
        }

    def get(self, request, token: str):
        membership = self._membership(token)
        return render(request, self.template_name, self._context(request, membership))

    def post(self, request, token: str):
        membership = self._membership(token)
        invited = membership.user
        if not invited.has_usable_password():
            form = SetPasswordForm(invited, request.POST)
            if not form.is_valid():
                context = self._context(request, membership, form)
                return render(request, self.template_name, context, status=400)
            form.save()
        elif request.user.pk != invited.pk:
            context = self._context(request, membership)
            return render(request, self.template_name, context, status=403)
        membership_accept(membership=membership, user=invited)
        login(request, invited, backend="tenant.backends.MembershipBackend")
        return redirect("admin:index")


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
    """The mailed link points at this site's canonical host and works on this site only."""

    template_name = "accounts/password_reset.html"
    token_generator = password_reset_token
    form_class = QueuedPasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    token_generator = password_reset_token

    def form_valid(self, form):
        response = super().form_valid(form)
        email_mark_verified(user=form.user)  # the link came to their mailbox
        return response

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
