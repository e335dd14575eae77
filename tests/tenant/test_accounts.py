import re

import pytest
from django.core import mail
from django.test import Client

from tenant.models import User
from tests.conftest import PUBLIC_HOST, TENANT_HOSTS
from tests.factories.tenant import PASSWORD, UserFactory

NEW_PASSWORD = "a brand new midsummer passphrase"


def _login(client: Client, email: str, password: str):
    return client.post("/accounts/login/", {"username": email, "password": password})


def _is_logged_in(client: Client, email: str) -> bool:
    return email.encode() in client.get("/").content


def _sign_up(client: Client, email: str, capture, next_path: str = "") -> object:
    with capture(execute=True):
        return client.post(
            "/accounts/signup/",
            {
                "email": email,
                "full_name": "Fox",
                "password1": PASSWORD,
                "password2": PASSWORD,
                "next": next_path,
            },
        )


def _mailed_link(path_start: str) -> str:
    found = re.search(r"https?://[\w.-]+(?::\d+)?(" + path_start + r"\S+)", mail.outbox[-1].body)
    assert found, mail.outbox[-1].body
    return found.group(1)


def test_sign_up_is_confirmed_from_the_mail_then_works_at_every_convention(
    client_a, client_b, django_capture_on_commit_callbacks
):
    signed_up = _sign_up(
        client_a, "Fox@Example.org", django_capture_on_commit_callbacks, next_path="/register/"
    )
    before_confirming = _is_logged_in(client_a, "fox@example.org")
    confirm = _mailed_link("/accounts/confirm/")
    confirmed = client_a.post(confirm)

    user = User.objects.get(email="fox@example.org")
    assert signed_up.status_code == 302
    assert signed_up["Location"] == "/accounts/signup/sent/"
    assert not before_confirming
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/register/"  # back where they were going
    assert user.email_verified_at is not None
    assert _is_logged_in(client_a, "fox@example.org")
    assert not _is_logged_in(client_b, "fox@example.org")
    assert _login(client_b, "fox@example.org", PASSWORD).status_code == 302
    assert user.password.startswith("argon2")


def test_a_confirmation_link_works_on_the_site_that_sent_it_only(
    client_a, client_b, django_capture_on_commit_callbacks
):
    _sign_up(client_a, "fox@example.org", django_capture_on_commit_callbacks)
    confirm = _mailed_link("/accounts/confirm/")

    elsewhere = client_b.post(confirm)

    assert elsewhere.status_code == 404
    assert User.objects.get(email="fox@example.org").email_verified_at is None


def test_sign_up_with_a_taken_email_answers_like_any_other_and_mails_the_owner(
    client_a, django_capture_on_commit_callbacks
):
    """No account oracle (security review, finding 8): the page is the same, nothing is
    created, and the owner learns of the attempt by mail."""
    UserFactory(email="fox@example.org")

    taken = _sign_up(client_a, "FOX@example.org", django_capture_on_commit_callbacks)
    fresh = _sign_up(client_a, "otter@example.org", django_capture_on_commit_callbacks)

    assert (taken.status_code, taken["Location"]) == (fresh.status_code, fresh["Location"])
    assert User.objects.filter(email="fox@example.org").count() == 1
    assert [m.to for m in mail.outbox] == [["fox@example.org"], ["otter@example.org"]]
    assert "already has one" in mail.outbox[0].body
    assert "/accounts/confirm/" not in mail.outbox[0].body


def test_sign_up_with_a_weak_password_is_refused(client_a):
    response = client_a.post(
        "/accounts/signup/",
        {"email": "fox@example.org", "password1": "12345678", "password2": "12345678"},
    )

    assert response.status_code == 200
    assert b"This password is too common." in response.content
    assert not User.objects.filter(email="fox@example.org").exists()


def test_log_out_ends_the_session(client_a):
    user = UserFactory()
    _login(client_a, user.email, PASSWORD)

    response = client_a.post("/accounts/logout/")

    assert response.status_code == 200
    assert not _is_logged_in(client_a, user.email)


def test_password_changed_at_one_convention_is_the_password_everywhere(client_a, client_b):
    user = UserFactory()
    _login(client_a, user.email, PASSWORD)

    changed = client_a.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert changed.status_code == 302
    assert _login(client_b, user.email, PASSWORD).status_code == 200  # old one refused
    assert _login(client_b, user.email, NEW_PASSWORD).status_code == 302


def test_password_reset_mail_is_sent_by_a_task_and_its_link_works_once(
    client_a, client_b, django_capture_on_commit_callbacks
):
    user = UserFactory(email="fox@example.org")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client_b.post("/accounts/password/reset/", {"email": "fox@example.org"})
    link = re.search(
        r"https?://beta\.localhost(?::\d+)?(/accounts/password/reset/\S+)", mail.outbox[0].body
    )
    form_page = client_b.get(link.group(1), follow=True)
    done = client_b.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    reused = client_b.get(link.group(1), follow=True)

    assert len(callbacks) == 1
    assert mail.outbox[0].to == [user.email]
    assert done.status_code == 302
    assert b"This link no longer works" in reused.content
    assert _login(client_a, user.email, NEW_PASSWORD).status_code == 302


def test_password_reset_for_an_unknown_email_reveals_nothing(
    client_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_a.post("/accounts/password/reset/", {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


@pytest.fixture
def victim(db):
    return UserFactory(email="victim@example.org")


def test_guesses_spread_over_conventions_and_addresses_lock_the_account(victim, settings):
    hosts = [TENANT_HOSTS["alpha"], TENANT_HOSTS["beta"], PUBLIC_HOST]
    spellings = ["victim@example.org", "VICTIM@example.org", " Victim@Example.org "]
    statuses = []
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client = Client(HTTP_HOST=hosts[attempt % 3], REMOTE_ADDR=f"203.0.113.{attempt + 1}")
        statuses.append(_login(client, spellings[attempt % 3], "wrong guess").status_code)

    fresh = Client(HTTP_HOST=TENANT_HOSTS["alpha"], REMOTE_ADDR="198.51.100.7")
    response = _login(fresh, "victim@example.org", PASSWORD)  # even the right password

    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    assert response.status_code == 429
    assert b"Log-in temporarily locked" in response.content
    assert b"Try again in 15 minutes" in response.content
    assert response["Retry-After"] == "900"
    assert not _is_logged_in(fresh, "victim@example.org")


def test_one_address_guessing_many_accounts_is_locked(victim, settings):
    others = [UserFactory() for _ in range(settings.AXES_FAILURE_LIMIT)]
    attacker = Client(HTTP_HOST=TENANT_HOSTS["alpha"], REMOTE_ADDR="203.0.113.66")
    for other in others:
        _login(attacker, other.email, "wrong guess")

    blocked = _login(attacker, victim.email, PASSWORD)
    elsewhere = _login(
        Client(HTTP_HOST=TENANT_HOSTS["beta"], REMOTE_ADDR="198.51.100.8"), victim.email, PASSWORD
    )

    assert blocked.status_code == 429
    assert elsewhere.status_code == 302


def test_admin_login_counts_against_the_same_limit(victim, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client = Client(HTTP_HOST=TENANT_HOSTS["beta"], REMOTE_ADDR=f"203.0.113.{attempt + 1}")
        client.post("/admin/login/", {"username": victim.email, "password": "wrong"})

    response = _login(
        Client(HTTP_HOST=PUBLIC_HOST, REMOTE_ADDR="198.51.100.9"), victim.email, PASSWORD
    )

    assert response.status_code == 429
