from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.forms import formset_factory
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views import View

from event.selectors import active_event, event_today
from midsummer.formats import format_money
from payments.providers import providers_for_checkout
from register.forms import (
    AttendeeForm,
    BadgeNameForm,
    CheckoutForm,
    GroupForm,
    OfferCheckoutForm,
    PersonForm,
    TransferOfferForm,
    UpgradeForm,
    attendee_form_options,
)
from register.models import AddOn, Order, Question, WaitlistEntry
from register.payments import KIND as REGISTER_KIND
from register.payments import payment_start
from register.selectors import (
    BadgeState,
    badge_name_edit_deadline,
    badges_seen_by,
    discount_code_valid_now,
    level_offers,
    order_of_account,
    order_placed_by_form,
    order_upgrade,
    registration_of_account,
    registration_settings,
    registrations_of_account,
    rollover_blocker,
    rollover_code_of,
    rollover_credit,
    rollover_targets,
    self_cancel_deadline,
    self_cancel_refusal,
    transfer_by_token,
    transfer_deadline,
    upgrade_offers,
    waitlist_of_account,
    waitlist_offer_by_token,
)
from register.services import (
    OFFER_FOR_ANOTHER_ACCOUNT,
    CodeGuesser,
    DuplicateSubmissionError,
    TooManyCodeGuessesError,
    account_language_remember,
    discount_code_look_up,
    group_order_place,
    order_cancel_by_attendee,
    order_place,
    order_roll_over,
    qr_svg,
    registration_change_badge_name,
    registration_upgrade,
    transfer_accept,
    transfer_offer,
    waitlist_join,
    waitlist_offer_redeem,
)
from tenant.throttling import client_ip

MAX_ATTENDEES = 6


def _event_or_404():
    # The registration settings come along: the page and the service it calls read them once.
    event = active_event(with_related=("registration",))
    if event is None:
        raise Http404("No event is open for registration.")
    return event


def _people_wanted(raw: str | None) -> int:
    """How many attendee forms to show for ``?people=``: clamped to 1..MAX_ATTENDEES; anything
    that is not a whole number (a typo, a hand-edited link) shows one form."""
    try:
        wanted = int(raw or 1)
    except ValueError:
        return 1
    return min(max(wanted, 1), MAX_ATTENDEES)


def _code_guesser(request) -> CodeGuesser:
    """Who is trying discount codes, as the throttle counts them (account and address)."""
    return CodeGuesser(account_id=request.user.pk, client_ip=client_ip(request))


def _badges(registrations, *, account_id: int) -> list[tuple]:
    """Each badge with what it shows this account (``BadgeState``) and, when it is theirs to
    show, its check-in QR code."""
    return [
        (badge, qr_svg(badge.registration.checkin_token) if badge.shows_code else None)
        for badge in badges_seen_by(registrations, account_id=account_id)
    ]


def _checkout(request, order: Order):
    """Hand a placed order to its payment provider: off to its checkout page, or (paid at
    once, or at the door) straight to the order page."""
    next_url = payment_start(order)
    if next_url:
        return redirect(next_url)
    return redirect("register:order", reference=order.reference)


class RemembersLanguage:
    """A form sent by a logged-in account remembers its language, for the worker's mails."""

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST" and request.user.is_authenticated:
            account_language_remember(account_id=request.user.pk, language=request.LANGUAGE_CODE)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class RegisterView(LoginRequiredMixin, RemembersLanguage, View):
    """Choose badges for one or more people, fill in their details and place the order."""

    def dispatch(self, request, *args, **kwargs):
        if request.method == "GET" and not request.user.is_authenticated:
            return self.logged_out(request)
        return super().dispatch(request, *args, **kwargs)

    @staticmethod
    def logged_out(request):
        """Logged out, the page says what is on sale and why an account is needed, with links
        to log in or sign up that lead back here (the path itself: a safe ``next``)."""
        event = _event_or_404()
        context = {
            "event": event,
            "offers": level_offers(event=event, now=timezone.now()),
            "currency": registration_settings(event=event).currency,
            "next": request.get_full_path(),
        }
        return render(request, "register/register_logged_out.html", context)

    def _context(self, request, event, *, errors=()):
        now = timezone.now()
        code_text = (request.POST.get("discount_code") or request.GET.get("code") or "").strip()
        code, code_message = self._look_up_code(request, event, code_text, now)
        offers = level_offers(event=event, now=now, code=code)
        people = _people_wanted(request.GET.get("people"))
        currency = registration_settings(event=event).currency
        form_kwargs = attendee_form_options(event=event, offers=offers, currency=currency)
        attendee_formset = formset_factory(AttendeeForm, extra=people, max_num=MAX_ATTENDEES)
        formset = attendee_formset(request.POST or None, prefix="attendee", form_kwargs=form_kwargs)
        checkout = CheckoutForm(
            request.POST or None,
            providers=providers_for_checkout(),
            initial={"submission": secrets.token_urlsafe(16), "discount_code": code_text},
        )
        return {
            "event": event,
            "currency": currency,
            "offers": offers,
            "formset": formset,
            "checkout": checkout,
            "errors": errors,
            "people": people,
            "max_people": MAX_ATTENDEES,
            "code": code_text,
            "code_message": code_message,
        }

    @staticmethod
    def _look_up_code(request, event, code_text: str, now):
        """A code typed on the page (GET) is looked up under the discount-code throttle; the
        one sent with the order is checked (and counted) by the purchase."""
        email = request.user.email if request.user.is_authenticated else ""
        if request.method != "GET":
            return discount_code_valid_now(event=event, code=code_text, now=now, email=email), ""
        found = discount_code_look_up(
            event=event, code=code_text, guesser=_code_guesser(request), now=now, email=email
        )
        return found.code, found.message

    def get(self, request):
        event = _event_or_404()
        return render(request, "register/register.html", self._context(request, event))

    def post(self, request):
        event = _event_or_404()
        context = self._context(request, event)
        formset, checkout = context["formset"], context["checkout"]
        if not (formset.is_valid() and checkout.is_valid()):
            # The form sent again after its order took the last places: that order, not "full".
            placed = order_placed_by_form(
                account_id=request.user.pk,
                submission=checkout.data.get(checkout.add_prefix("submission"), ""),
            )
            if placed is not None:
                context["already_placed"] = placed
                return render(request, "register/register.html", context, status=409)
            return render(request, "register/register.html", context, status=400)
        try:
            order = order_place(
                event=event,
                account=request.user,
                attendees=[form.to_input() for form in formset if form.has_changed()],
                provider=checkout.cleaned_data["provider"],
                discount_code=checkout.cleaned_data["discount_code"],
                submission=checkout.cleaned_data["submission"],
                guesser=_code_guesser(request),
            )
        except DuplicateSubmissionError as placed:
            context["already_placed"] = placed.reference
            return render(request, "register/register.html", context, status=409)
        except TooManyCodeGuessesError as error:
            context["errors"] = [str(error)]
            return render(request, "register/register.html", context, status=429)
        except ValidationError as error:
            context["errors"] = error.messages
            return render(request, "register/register.html", context, status=400)
        return _checkout(request, order)


class SimulatedPaymentView(View):
    """Where registration's card page was before ``payments`` took every kind of order."""

    def get(self, request, reference):
        return redirect("payments:pay-simulated", kind=REGISTER_KIND, reference=reference)


class OrderView(LoginRequiredMixin, View):
    def get(self, request, reference, *, errors=(), status=200):
        order = order_of_account(reference=reference, account_id=request.user.pk)
        if order is None:
            raise Http404
        today = event_today(order.event)
        refusal = self_cancel_refusal(order=order, account_id=request.user.pk, today=today)
        context = {
            "order": order,
            "upgrade": order_upgrade(order=order),
            "badges": _badges(order.registrations.all(), account_id=request.user.pk),
            "BadgeState": BadgeState,
            "OrderStatus": Order.Status,
            "Provider": Order.Provider,
            "errors": errors,
            "cancel_until": self_cancel_deadline(event=order.event, today=today)
            if refusal is None
            else None,
            "rolled_over_to": rollover_code_of(order=order)
            if order.status == Order.Status.CANCELLED
            else None,
        }
        if refusal is None and rollover_blocker(order=order) is None:
            context["rollover_targets"] = rollover_targets(order=order)  # none: nothing offered
            context["rollover_credit"] = rollover_credit(order=order)
        return render(request, "register/order.html", context, status=status)


class OrderCancelView(LoginRequiredMixin, RemembersLanguage, View):
    """The buyer cancels their own order (refunded in full) within the organizer's window."""

    def post(self, request, reference):
        order = order_of_account(reference=reference, account_id=request.user.pk)
        if order is None:
            raise Http404
        try:
            order_cancel_by_attendee(order_id=order.pk, account=request.user)
        except ValidationError as error:
            return OrderView().get(request, reference, errors=error.messages, status=400)
        return redirect("register:order", reference=reference)


class OrderRollOverView(LoginRequiredMixin, RemembersLanguage, View):
    """The buyer cancels their one-badge order and keeps what they paid as credit for a later
    event of the convention: a personal code, shown on the order page and mailed."""

    def post(self, request, reference):
        order = order_of_account(reference=reference, account_id=request.user.pk)
        if order is None:
            raise Http404
        try:
            to_event_id = int(request.POST.get("event", ""))
        except ValueError:
            return OrderView().get(
                request,
                reference,
                errors=[gettext("Choose one of the events offered.")],
                status=400,
            )
        try:
            order_roll_over(order_id=order.pk, account=request.user, to_event_id=to_event_id)
        except ValidationError as error:
            return OrderView().get(request, reference, errors=error.messages, status=400)
        return redirect("register:order", reference=reference)


class MyRegistrationsView(LoginRequiredMixin, View):
    def get(self, request, *, errors=None, status=200):
        registrations = list(registrations_of_account(account_id=request.user.pk))
        context = {
            "badges": _badges(registrations, account_id=request.user.pk),
            "BadgeState": BadgeState,
            "no_transfer_limit": dt.date.max,
            "providers": providers_for_checkout(),
            "errors": errors,
        }
        event = active_event(with_related=("registration",))
        if event is not None:
            # Upgrades, renaming and transfers are offered for the event on sale now, by the
            # day at the event (the same day /register/ prices by).
            now = timezone.now()
            today = event_today(event, now)
            offers = level_offers(event=event, now=now)
            context |= {
                "edit_until": badge_name_edit_deadline(event=event, today=today),
                "transfer_until": transfer_deadline(event=event, today=today),
                "upgrades": {
                    r.pk: upgrade_offers(registration=r, offers=offers)
                    for r in registrations
                    if r.event_id == event.pk and r.order.status == Order.Status.PAID
                },
            }
        return render(request, "register/mine.html", context, status=status)


class BadgeNameChangeView(LoginRequiredMixin, RemembersLanguage, View):
    def post(self, request, registration_id):
        registration = registration_of_account(
            registration_id=registration_id, account_id=request.user.pk
        )
        if registration is None:
            raise Http404
        form = BadgeNameForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(form.errors.get_json_data())
            registration_change_badge_name(
                registration=registration, badge_name=form.cleaned_data["badge_name"]
            )
        except ValidationError as error:
            return MyRegistrationsView().get(request, errors=error.messages, status=400)
        return redirect("register:mine")


class TransferOfferView(LoginRequiredMixin, RemembersLanguage, View):
    """The holder of a paid badge offers it to someone else by email."""

    def post(self, request, registration_id):
        form = TransferOfferForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(form.errors.get_json_data())
            transfer_offer(
                registration_id=registration_id,
                by=request.user,
                email=form.cleaned_data["email"],
            )
        except ValidationError as error:
            return MyRegistrationsView().get(request, errors=error.messages, status=400)
        return redirect("register:mine")


class TransferAcceptView(LoginRequiredMixin, RemembersLanguage, View):
    """The recipient of a transfer link takes the badge over with their own details."""

    def _transfer(self, token):
        transfer = transfer_by_token(token=token, now=timezone.now())
        if transfer is None:
            raise Http404("This transfer link is not valid (any more).")
        return transfer

    def get(self, request, token):
        transfer = self._transfer(token)
        form = PersonForm(initial={"email": transfer.email})
        return render(
            request, "register/transfer_accept.html", {"transfer": transfer, "form": form}
        )

    def post(self, request, token):
        transfer = self._transfer(token)
        form = PersonForm(request.POST)
        context = {"transfer": transfer, "form": form}
        if not form.is_valid():
            return render(request, "register/transfer_accept.html", context, status=400)
        try:
            transfer_accept(token=token, account=request.user, person=form.to_input())
        except ValidationError as error:
            context["errors"] = error.messages
            return render(request, "register/transfer_accept.html", context, status=400)
        return redirect("register:mine")


class UpgradeView(LoginRequiredMixin, RemembersLanguage, View):
    """Move a paid badge to a higher level, paying the difference like any order."""

    def post(self, request, registration_id):
        event = _event_or_404()
        levels = [o.level for o in level_offers(event=event, now=timezone.now())]
        form = UpgradeForm(request.POST, levels=levels, providers=providers_for_checkout())
        try:
            if not form.is_valid():
                raise ValidationError(form.errors.get_json_data())
            order = registration_upgrade(
                registration_id=registration_id,
                account=request.user,
                level_id=form.cleaned_data["level"],
                provider=form.cleaned_data["provider"],
            )
        except ValidationError as error:
            return MyRegistrationsView().get(request, errors=error.messages, status=400)
        return _checkout(request, order)


class WaitlistView(LoginRequiredMixin, View):
    """The account's places on waiting lists (and offers not yet used)."""

    def get(self, request, *, errors=(), status=200):
        entries = waitlist_of_account(account_id=request.user.pk)
        context = {"entries": entries, "errors": errors, "WaitlistStatus": WaitlistEntry.Status}
        return render(request, "register/waitlist.html", context, status=status)


class WaitlistJoinView(LoginRequiredMixin, RemembersLanguage, View):
    """One click on a sold-out level: join its waiting list."""

    def post(self, request, level_id):
        event = _event_or_404()
        try:
            waitlist_join(event=event, level_id=level_id, account=request.user)
        except ValidationError as error:
            return WaitlistView().get(request, errors=error.messages, status=400)
        return redirect("register:waitlist")


class WaitlistOfferView(LoginRequiredMixin, RemembersLanguage, View):
    """A personal offer from the waiting list: register one person for the offered level."""

    def _context(self, request, token):
        entry = waitlist_offer_by_token(token=token, now=timezone.now())
        if entry is None:
            raise Http404("This offer is not valid (any more).")
        event = entry.level.event
        formset = formset_factory(AttendeeForm, extra=1, max_num=1)(
            request.POST or None,
            prefix="attendee",
            form_kwargs={
                "levels": [(entry.level, entry.level.name)],
                "add_ons": list(AddOn.objects.filter(event=event)),
                "currency": registration_settings(event=event).currency,
                "questions": list(Question.objects.filter(event=event)),
            },
        )
        checkout = OfferCheckoutForm(request.POST or None, providers=providers_for_checkout())
        return {"entry": entry, "formset": formset, "checkout": checkout, "errors": ()}

    def get(self, request, token):
        context = self._context(request, token)
        if context["entry"].account_id != request.user.pk:
            # Say so before they fill in the form; waitlist_offer_redeem refuses it anyway.
            context["errors"] = [OFFER_FOR_ANOTHER_ACCOUNT]
            context["for_another_account"] = True
            return render(request, "register/waitlist_offer.html", context, status=403)
        return render(request, "register/waitlist_offer.html", context)

    def post(self, request, token):
        context = self._context(request, token)
        formset, checkout = context["formset"], context["checkout"]
        if not (formset.is_valid() and checkout.is_valid()):
            return render(request, "register/waitlist_offer.html", context, status=400)
        try:
            order = waitlist_offer_redeem(
                token=token,
                account=request.user,
                attendee=formset[0].to_input(),
                provider=checkout.cleaned_data["provider"],
            )
        except ValidationError as error:
            context["errors"] = error.messages
            return render(request, "register/waitlist_offer.html", context, status=400)
        return _checkout(request, order)


class GroupOrderView(LoginRequiredMixin, RemembersLanguage, View):
    """A group leader buys several badges of one level, to assign to their holders later."""

    def _context(self, request, event):
        offers = level_offers(event=event, now=timezone.now())
        currency = registration_settings(event=event).currency
        leader = AttendeeForm(
            request.POST or None,
            prefix="leader",
            levels=[
                (o.level, f"{o.level.name} — {format_money(o.price, currency)}")
                for o in offers
                if not o.is_sold_out
            ],
            add_ons=[],
            questions=list(Question.objects.filter(event=event)),
        )
        group = GroupForm(request.POST or None, providers=providers_for_checkout())
        return {"event": event, "leader": leader, "group": group, "errors": ()}

    def get(self, request):
        event = _event_or_404()
        return render(request, "register/group.html", self._context(request, event))

    def post(self, request):
        event = _event_or_404()
        context = self._context(request, event)
        leader, group = context["leader"], context["group"]
        if not (leader.is_valid() and group.is_valid()):
            return render(request, "register/group.html", context, status=400)
        try:
            order = group_order_place(
                event=event,
                account=request.user,
                leader=leader.to_input(),
                quantity=group.cleaned_data["quantity"],
                provider=group.cleaned_data["provider"],
            )
        except ValidationError as error:
            context["errors"] = error.messages
            return render(request, "register/group.html", context, status=400)
        return _checkout(request, order)
