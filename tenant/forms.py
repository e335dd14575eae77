from urllib.parse import urlsplit

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template import loader
from django.utils.translation import gettext_lazy as _

from tenant.current import current_site_url
from tenant.models import Membership
from tenant.roles import Role
from tenant.services import email_queue


class SignUpForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    full_name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, with the email sent by a Celery worker instead of the web process,
    and its link built from this site's canonical address, never from the request's host."""

    def save(self, *args, **kwargs) -> None:
        canonical = urlsplit(current_site_url())
        kwargs["domain_override"] = canonical.netloc
        kwargs["use_https"] = canonical.scheme == "https"
        super().save(*args, **kwargs)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        html_body = (
            loader.render_to_string(html_email_template_name, context)
            if html_email_template_name
            else None
        )
        email_queue(subject=subject, body=body, to=[to_email], html_body=html_body)


class MembershipForm(forms.ModelForm):
    """Roles as checkboxes rather than a comma-separated list."""

    roles = forms.TypedMultipleChoiceField(
        choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Membership
        fields = ["user", "tenant", "roles", "is_tenant_superuser", "is_developer"]


class MemberInviteForm(forms.ModelForm):
    email = forms.EmailField(help_text="They get an email; a new account chooses its password.")
    roles = forms.TypedMultipleChoiceField(
        choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Membership
        fields = ["roles", "is_tenant_superuser", "is_developer"]
