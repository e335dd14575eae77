"""Mails to attendees and buyers (sent by Celery tasks after commit, each in the language its
account last used here — ``account_language_remember`` — else ``LANGUAGE_CODE``), and
the check-in QR code they and the pages carry. Every link in them was built by ``site_link``."""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from register.models import (
    AccountLanguage,
    DiscountCode,
    Order,
    Registration,
    Transfer,
    Upgrade,
    WaitlistEntry,
)


def account_language_remember(*, account_id: int, language: str) -> None:
    """Remember the language ``account_id`` uses here (one of the site's languages), for the
    mails sent to it later by the worker. Writes only when it changed."""
    known = dict(settings.LANGUAGES)
    code = language if language in known else language.split("-")[0]
    if code not in known:
        return
    # One statement whether it changed or not; a row is written only when it did, and two
    # forms sent at once both succeed.
    table = connection.ops.quote_name(AccountLanguage._meta.db_table)  # the model's own table
    remember = (
        f"INSERT INTO {table} AS remembered (account_id, language, updated_at)"  # noqa: S608
        " VALUES (%s, %s, %s) ON CONFLICT (account_id) DO UPDATE"
        " SET language = EXCLUDED.language, updated_at = EXCLUDED.updated_at"
        " WHERE remembered.language IS DISTINCT FROM EXCLUDED.language"
    )
    with connection.cursor() as cursor:
        cursor.execute(remember, [account_id, code, timezone.now()])


def language_of(account_id: int | None) -> str:
    """The language to write to ``account_id`` in: the one it last used here, else the site's."""
    found = (
        AccountLanguage.objects.filter(account_id=account_id)
        .values_list("language", flat=True)
        .first()
        if account_id
        else None
    )
    return found or settings.LANGUAGE_CODE


def order_send_review_notice(*, order_id: int) -> int:
    """Tell the buyer their paid order is being reviewed (without saying why)."""
    order = Order.objects.select_related("event", "account").get(pk=order_id)
    if order.status != Order.Status.HELD:
        return 0
    context = {"order": order, "event": order.event}
    with translation.override(language_of(order.account_id)):
        return EmailMultiAlternatives(
            subject=gettext("Your %(event)s registration is being reviewed")
            % {"event": order.event.name},
            body=render_to_string("register/email/review.txt", context),
            to=[order.account.email],
        ).send()


def qr_svg(token: str) -> str:
    """The check-in QR code as inline SVG, for pages and mails alike."""
    return segno.make(token, error="m").svg_inline(scale=4, title="Check-in code")


def qr_png(token: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(token, error="m").save(buffer, kind="png", scale=6, border=2)
    return buffer.getvalue()


def _send_badge_mail(
    order: Order, registration: Registration, *, upgrade: Upgrade | None = None
) -> int:
    """The badge's mail, in the language of whoever holds it (the buyer, or who took it over)."""
    with translation.override(language_of(registration.holder_id or order.account_id)):
        return _badge_mail(order, registration, upgrade=upgrade)


def _badge_mail(order: Order, registration: Registration, *, upgrade: Upgrade | None) -> int:
    context = {
        "order": order,
        "registration": registration,
        "event": order.event,
        "upgrade": upgrade,
    }
    message = EmailMultiAlternatives(
        subject=gettext("Your %(event)s badge: %(level)s #%(number)s")
        % {
            "event": order.event.name,
            "level": registration.level.name,
            "number": registration.badge_number,
        },
        body=render_to_string("register/email/confirmation.txt", context),
        to=[registration.email],
    )
    message.attach_alternative(
        render_to_string(
            "register/email/confirmation.html",
            context | {"qr_svg": qr_svg(registration.checkin_token)},
        ),
        "text/html",
    )
    message.attach(
        f"badge-{registration.badge_number}.png",
        qr_png(registration.checkin_token),
        "image/png",
    )
    return message.send()


def order_send_confirmation(*, order_id: int) -> int:
    """Email every attendee of a paid order: level, badge number and the check-in QR code.
    Group badges not yet assigned get none (their holder gets it on accepting). An upgrade's
    order mails the upgraded badge, saying from which level it was upgraded."""
    order = Order.objects.select_related("event").get(pk=order_id)
    if order.status != Order.Status.PAID:
        return 0
    upgrade = (
        Upgrade.objects.filter(order=order, applied_at__isnull=False)
        .select_related("from_level", "to_level", "registration__level")
        .prefetch_related("registration__add_ons__add_on")
        .first()
    )
    if upgrade is not None:
        return _send_badge_mail(order, upgrade.registration, upgrade=upgrade)
    registrations = (
        order.registrations.filter(needs_holder=False)
        .select_related("level")
        .prefetch_related("add_ons__add_on")
    )
    return sum(_send_badge_mail(order, registration) for registration in registrations)


def registration_send_confirmation(*, registration_id: int) -> int:
    """Email one badge (after a transfer or group assignment) to its holder, with its new code."""
    registration = (
        Registration.objects.select_related("order__event", "level")
        .prefetch_related("add_ons__add_on")
        .get(pk=registration_id)
    )
    if registration.order.status != Order.Status.PAID or registration.needs_holder:
        return 0
    return _send_badge_mail(registration.order, registration)


def transfer_send_offer(*, transfer_id: int, link: str) -> int:
    """Mail the recipient of an open transfer its link."""
    transfer = Transfer.objects.select_related("registration__level", "registration__event").get(
        pk=transfer_id
    )
    if transfer.accepted_at or transfer.withdrawn_at:
        return 0
    context = {"transfer": transfer, "event": transfer.registration.event, "link": link}
    # The recipient may have no account yet: the one who hands the badge on knows them.
    with translation.override(language_of(transfer.offered_by_id)):
        return EmailMultiAlternatives(
            subject=gettext("A %(event)s badge for you")
            % {"event": transfer.registration.event.name},
            body=render_to_string("register/email/transfer.txt", context),
            to=[transfer.email],
        ).send()


def waitlist_send_offer(*, entry_id: int, link: str) -> int:
    """Mail one waiting person their offer link."""
    entry = WaitlistEntry.objects.select_related("level__event").get(pk=entry_id)
    if entry.status != WaitlistEntry.Status.OFFERED:
        return 0
    context = {"entry": entry, "event": entry.level.event, "link": link}
    with translation.override(language_of(entry.account_id)):
        return EmailMultiAlternatives(
            subject=gettext("A %(level)s place for %(event)s is yours to take")
            % {"level": entry.level.name, "event": entry.level.event.name},
            body=render_to_string("register/email/waitlist_offer.txt", context),
            to=[entry.email],
        ).send()


def personal_code_send(*, code_id: int) -> int:
    """Mail a personal code (a rollover's credit, a loyalty discount) to the account it is
    for, with the later event's register link that applies it."""
    from django.contrib.auth import get_user_model

    from event.current import event_link

    code = DiscountCode.objects.select_related("event", "source_order").get(pk=code_id)
    if not code.for_email:
        return 0
    account = get_user_model().objects.filter(email__iexact=code.for_email).first()
    link = event_link(code.event, "register:start") + f"?code={code.code}"
    context = {"code": code, "event": code.event, "link": link, "Origin": DiscountCode.Origin}
    with translation.override(language_of(account.pk if account else None)):
        subject = (
            gettext("Your credit for %(event)s")
            if code.origin == DiscountCode.Origin.ROLLOVER
            else gettext("A thank-you discount for %(event)s")
        )
        return EmailMultiAlternatives(
            subject=subject % {"event": code.event.name},
            body=render_to_string("register/email/personal_code.txt", context),
            to=[code.for_email],
        ).send()
