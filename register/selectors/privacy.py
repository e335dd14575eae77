"""A person's data in this convention, for their "my data" download (the app contract)."""

from __future__ import annotations

from register.models import Order, Registration, Transfer, WaitlistEntry
from register.selectors.orders import about_person_q


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def personal_data(*, account_id: int, proven_email: str) -> dict:
    """Everything this convention holds about one person, as JSON-ready data: orders they
    placed, badges they hold or that carry their proven email (with add-ons and answers),
    transfers offered to that email and their waiting-list places. This tenant's schema only.
    An address the person has not proven (``User.proven_email``) matches nothing."""
    email_key = proven_email.strip().lower()
    orders = Order.objects.filter(account_id=account_id).order_by("created_at")
    transfers_to_you = (
        Transfer.objects.filter(email__iexact=email_key).select_related("registration__level")
        if email_key
        else Transfer.objects.none()
    )
    registrations = (
        Registration.objects.filter(about_person_q(account_id=account_id, proven_email=email_key))
        .select_related("level", "order")
        .prefetch_related("add_ons__add_on", "answers__question")
        .order_by("pk")
    )
    return {
        "orders": [
            {
                "reference": o.reference,
                "status": o.status,
                "provider": o.provider,
                "currency": o.currency,
                "total": str(o.total),
                "refunded_total": str(o.refunded_total),
                "created_at": _iso(o.created_at),
                "paid_at": _iso(o.paid_at),
            }
            for o in orders
        ],
        "registrations": [
            {
                "order": r.order.reference,
                "level": r.level.name,
                "badge_number": r.badge_number,
                "legal_name": r.legal_name,
                "badge_name": r.badge_name,
                "birthdate": _iso(r.birthdate),
                "email": r.email,
                "phone": r.phone,
                "emergency_contact": r.emergency_contact,
                "guardian_name": r.guardian_name,
                "guardian_contact": r.guardian_contact,
                "price": str(r.price),
                "discount": str(r.discount),
                "add_ons": [{"name": a.add_on.name, "option": a.option} for a in r.add_ons.all()],
                "answers": [
                    {"question": a.question.label, "answer": a.value} for a in r.answers.all()
                ],
            }
            for r in registrations
        ],
        "transfers_to_you": [
            {
                "level": t.registration.level.name,
                "created_at": _iso(t.created_at),
                "accepted_at": _iso(t.accepted_at),
            }
            for t in transfers_to_you
        ],
        "waiting_lists": [
            {"level": w.level.name, "status": w.status, "joined_at": _iso(w.created_at)}
            for w in WaitlistEntry.objects.filter(account_id=account_id).select_related("level")
        ],
    }
