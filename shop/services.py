"""Every write of the shop: ordering (stock taken under the quotas' row locks in the order's
transaction), payment through ``payments``, holds that run out, handing out at the merch
desk. Refusals are ValidationError with a message; nothing is written."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from event.models import Event
from midsummer.images import is_new_upload
from payments.kinds import Payable, PaymentConflictError
from payments.models import Provider
from payments.services import provider_refund
from register.selectors import badge_levels_held, registration_settings
from shop.models import OrderLine, Product, Quota, ShopOrder, Variant
from shop.pictures import picture_rendition
from tenant.due import work_due
from tenant.models import User
from tenant.tasks import queue_after_commit

Status = ShopOrder.Status


def holds_stock_q(*, now: dt.datetime, prefix: str = "") -> Q:
    """Orders whose lines count against the quotas: paid, or pending with a live hold."""
    status, hold = f"{prefix}status", f"{prefix}hold_expires_at"
    return Q(**{status: Status.PAID}) | (
        Q(**{status: Status.PENDING}) & (Q(**{f"{hold}__isnull": True}) | Q(**{f"{hold}__gt": now}))
    )


def quota_taken(quota_ids: list[int], *, now: dt.datetime) -> dict[int, int]:
    """Pieces each quota has sold or holds (refunded pieces are back in stock)."""
    rows = (
        OrderLine.objects.filter(holds_stock_q(now=now, prefix="order__"))
        .filter(variant__quotas__in=quota_ids)
        .values("variant__quotas")
        .annotate(taken=Sum(F("quantity") - F("refunded")))
    )
    return {row["variant__quotas"]: row["taken"] for row in rows}


def _hold_until(provider: str, now: dt.datetime, minutes: int) -> dt.datetime | None:
    return None if provider == Provider.DOOR else now + dt.timedelta(minutes=minutes)


@transaction.atomic
def order_place(
    *,
    event: Event,
    account: User,
    items: dict[int, int],
    provider: str,
    submission: str = "",
    now: dt.datetime | None = None,
) -> ShopOrder:
    """Order ``items`` (variant id → pieces) for ``account``. Prices are read here, never sent
    by the buyer. Every quota covering the variants is locked (in id order: no deadlock) and
    must have the pieces; limits per order and per person and badge-holder-only products are
    checked. A card order holds its stock for registration's hold time; at the door until the
    desk cancels. The same form sent twice is the order it placed."""
    now = now or timezone.now()
    items = {variant_id: qty for variant_id, qty in items.items() if qty}
    if not items:
        raise ValidationError(_("Choose at least one item."))
    if provider not in (Provider.SIMULATED, Provider.STRIPE, Provider.DOOR):
        raise ValidationError(_("Choose how to pay."))
    if submission:
        placed = ShopOrder.objects.filter(account_id=account.pk, submission=submission).first()
        if placed is not None:
            return placed
    variants = {
        v.pk: v
        for v in Variant.objects.select_related("product")
        .prefetch_related("product__badge_levels", "product__bundle_items")
        .filter(pk__in=items, product__event=event)
    }
    if len(variants) != len(items) or any(qty < 0 for qty in items.values()):
        raise ValidationError(_("That item is not in this shop."))
    buyer = _Buyer(event=event, account_id=account.pk)
    per_product: dict[int, int] = defaultdict(int)
    for variant_id, qty in items.items():
        product = variants[variant_id].product
        if (product.visible_from and now < product.visible_from) or (
            product.visible_until and now >= product.visible_until
        ):
            raise ValidationError(_("%(item)s is not on sale now.") % {"item": product.name})
        if product.badge_holders_only and not buyer.holds_a_badge:
            raise ValidationError(_("%(item)s is for badge holders only.") % {"item": product.name})
        levels = {level.pk: level.name for level in product.badge_levels.all()}
        if levels and not levels.keys() & buyer.levels:
            raise ValidationError(
                _("%(item)s is for holders of a %(levels)s badge.")
                % {"item": product.name, "levels": " / ".join(sorted(levels.values()))}
            )
        per_product[product.pk] += qty
    for variant in variants.values():
        product = variant.product
        if per_product[product.pk] > product.per_order_limit:
            raise ValidationError(
                _("At most %(count)s of %(item)s per order.")
                % {"count": product.per_order_limit, "item": product.name}
            )
    # What takes stock: the variants ordered and, for a bundle, each of its items.
    stock: dict[int, int] = defaultdict(int)
    for variant_id, qty in items.items():
        stock[variant_id] += qty
        for part in variants[variant_id].product.bundle_items.all():
            stock[part.variant_id] += qty * part.quantity
    quota_ids = set(
        Quota.variants.through.objects.filter(variant_id__in=stock).values_list(
            "quota_id", flat=True
        )
    )
    quotas = list(Quota.objects.select_for_update().filter(pk__in=quota_ids).order_by("pk"))
    _check_person_limits(variants, per_product, account.pk, now)
    wanted: dict[int, int] = defaultdict(int)
    covered = defaultdict(set)
    for quota_id, variant_id in Quota.variants.through.objects.filter(
        quota__in=quotas, variant_id__in=stock
    ).values_list("quota_id", "variant_id"):
        wanted[quota_id] += stock[variant_id]
        covered[variant_id].add(quota_id)
    if any(variant_id not in covered for variant_id in stock):
        raise ValidationError(_("That item is not for sale yet."))  # no quota: no stock
    taken = quota_taken([q.pk for q in quotas], now=now)
    for quota in quotas:
        if taken.get(quota.pk, 0) + wanted[quota.pk] > quota.size:
            left = max(quota.size - taken.get(quota.pk, 0), 0)
            raise ValidationError(
                _("Sold out: only %(left)s left of %(quota)s.")
                % {"left": left, "quota": quota.name}
            )
    prices = {v: buyer.price_of(variant) for v, variant in variants.items()}
    settings = registration_settings(event=event)
    try:
        with transaction.atomic():
            order = ShopOrder.objects.create(
                event=event,
                account_id=account.pk,
                provider=provider,
                currency=settings.currency,
                total=sum((prices[v] * q for v, q in items.items()), Decimal("0")),
                hold_expires_at=_hold_until(provider, now, settings.hold_minutes),
                submission=submission,
            )
            if order.hold_expires_at:
                work_due("shop.release_expired_holds", order.hold_expires_at)
    except IntegrityError:  # the same form, sent twice at once: the other request's order
        placed = ShopOrder.objects.filter(account_id=account.pk, submission=submission).first()
        if placed is None:
            raise
        return placed
    lines = OrderLine.objects.bulk_create(
        OrderLine(order=order, variant=variants[v], quantity=q, price=prices[v])
        for v, q in items.items()
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            variant_id=part.variant_id,
            quantity=line.quantity * part.quantity,
            price=Decimal("0"),
            part_of=line,
        )
        for line in lines
        for part in line.variant.product.bundle_items.all()
    )
    return order


class _Buyer:
    """What the buyer's badges at the event entitle them to, asked for once per order."""

    def __init__(self, *, event: Event, account_id: int) -> None:
        self._event, self._account_id = event, account_id
        self._levels: set[int] | None = None

    @property
    def levels(self) -> set[int]:
        if self._levels is None:
            self._levels = badge_levels_held(event_id=self._event.pk, account_id=self._account_id)
        return self._levels

    @property
    def holds_a_badge(self) -> bool:
        return bool(self.levels)

    def price_of(self, variant: Variant) -> Decimal:
        if variant.badge_holder_price is not None and self.holds_a_badge:
            return variant.badge_holder_price
        return variant.price


def _check_person_limits(variants, per_product, account_id: int, now: dt.datetime) -> None:
    limited = {v.product.pk: v.product for v in variants.values() if v.product.per_person_limit}
    if not limited:
        return
    bought = dict(
        OrderLine.objects.filter(
            holds_stock_q(now=now, prefix="order__"),
            order__account_id=account_id,
            variant__product__in=limited,
        )
        .values_list("variant__product")
        .annotate(n=Sum("quantity"))
    )
    for product_id, product in limited.items():
        if bought.get(product_id, 0) + per_product[product_id] > product.per_person_limit:
            raise ValidationError(
                _("At most %(count)s of %(item)s per person.")
                % {"count": product.per_person_limit, "item": product.name}
            )


@transaction.atomic
def order_mark_paid(*, reference: str, amount: Decimal, note: str = "") -> ShopOrder:
    """Record full payment (idempotent); the confirmation with the pickup code is mailed."""
    order = ShopOrder.objects.select_for_update().get(reference=reference)
    if order.status == Status.PAID:
        return order
    if order.status != Status.PENDING:
        raise PaymentConflictError(f"Order {reference} is {order.status}; it cannot be paid.")
    if amount != order.total:
        raise ValidationError(f"Payment of {amount} does not match the total {order.total}.")
    order.status, order.paid_at = Status.PAID, timezone.now()
    order.save(update_fields=["status", "paid_at"])
    queue_after_commit("shop.send_confirmation", order.pk)
    return order


@transaction.atomic
def orders_release_expired_holds(*, now: dt.datetime | None = None) -> int:
    """Pending card orders whose hold ran out expire; their stock is free again."""
    return ShopOrder.objects.filter(
        status=Status.PENDING, hold_expires_at__lte=now or timezone.now()
    ).update(status=Status.EXPIRED)


@transaction.atomic
def line_hand_out(*, order: ShopOrder, line_id: int, pieces: int = 1) -> OrderLine:
    """The merch desk hands out ``pieces`` of a paid order's line; never more than bought
    (under the line's lock, so two desks at once cannot hand out one piece twice)."""
    if pieces < 1:
        raise ValidationError(_("Hand out at least one piece."))
    line = (
        OrderLine.objects.select_for_update()
        .select_related("order")
        .filter(pk=line_id, order=order)
        .first()
    )
    if line is None:
        raise ValidationError(_("That line is not in this order."))
    if line.order.status != Status.PAID:
        raise ValidationError(
            _("Order %(reference)s is not paid.") % {"reference": order.reference}
        )
    if OrderLine.objects.filter(part_of=line).exists():
        raise ValidationError(_("A bundle is handed out item by item."))
    if line.picked_up + pieces > line.quantity - line.refunded:
        raise ValidationError(
            _("Already handed out: %(done)s of %(count)s.")
            % {"done": line.picked_up, "count": line.quantity - line.refunded}
        )
    line.picked_up += pieces
    line.save(update_fields=["picked_up"])
    return line


@transaction.atomic
def order_refund(*, order_id: int, line_id: int | None = None, by: User | None = None) -> ShopOrder:
    """Refund a paid order in full, or one line (``line_id``) — the pieces not handed out yet
    go back in stock; handed-out pieces are not refunded here (take them back at the desk
    first). The money goes back through the provider that took it before anything here
    changes: if Stripe refuses, nothing is written."""
    order = ShopOrder.objects.select_for_update().get(pk=order_id)
    if order.status != Status.PAID:
        raise ValidationError(_("Only a paid order can be refunded."))
    lines = list(OrderLine.objects.select_for_update().filter(order=order).order_by("pk"))
    if line_id is not None:
        chosen = next((line for line in lines if line.pk == line_id), None)
        if chosen is None:
            raise ValidationError(_("That line is not in this order."))
        if chosen.part_of_id is not None:
            raise ValidationError(_("This is part of a bundle: refund the bundle."))
        lines = [line for line in lines if line.pk == line_id or line.part_of_id == line_id]
    pieces = refundable_pieces(lines)
    amount = sum((line.price * pieces[line.pk] for line in lines), Decimal("0"))
    if not any(pieces.values()):
        raise ValidationError(_("Nothing left to refund: the rest was handed out."))
    provider_refund(
        provider=order.provider,
        provider_reference=order.provider_reference,
        amount=amount,
        idempotency_key=f"shop-refund-{order.reference}-{order.refunded_total}",
    )
    for line in lines:
        line.refunded += pieces[line.pk]
        line.save(update_fields=["refunded"])
    order.refunded_total += amount
    fields = ["refunded_total"]
    # Refunded once every piece is (a free order's pieces too), not when the money adds up.
    everything = OrderLine.objects.filter(order=order, part_of__isnull=True)
    if not everything.exclude(refunded=F("quantity")).exists():
        order.status = Status.REFUNDED
        fields.append("status")
    order._change_reason = f"refunded {amount}" + (f" by {by.email}" if by else "")  # type: ignore[attr-defined]
    order.save(update_fields=fields)
    return order


def refundable_pieces(lines: list[OrderLine]) -> dict[int, int]:
    """Pieces of each line that can be refunded: those not handed out. A bundle is refunded by
    the pack — a pack of which any item was handed out stays — and its items with it."""
    parts_of: dict[int, list[OrderLine]] = defaultdict(list)
    for line in lines:
        if line.part_of_id is not None:
            parts_of[line.part_of_id].append(line)
    pieces: dict[int, int] = {}
    for line in lines:
        if line.part_of_id is not None:
            continue
        parts = parts_of.get(line.pk)
        if not parts:
            pieces[line.pk] = line.quantity - line.picked_up - line.refunded
            continue
        per_pack = {part.pk: part.quantity // line.quantity for part in parts}
        started = max(-(-part.picked_up // per_pack[part.pk]) for part in parts)
        packs = max(line.quantity - line.refunded - started, 0)
        pieces[line.pk] = packs
        for part in parts:
            pieces[part.pk] = packs * per_pack[part.pk]
    return pieces


@transaction.atomic
def product_save(*, product: Product) -> Product:
    """Validate and save a product; a new picture is replaced by its re-encoded rendition
    (shop/pictures.py) and the file it replaces is deleted once the transaction commits."""
    product.full_clean(exclude=["badge_levels"])
    previous = Product.objects.filter(pk=product.pk).values_list("picture", flat=True).first()
    if is_new_upload(product.picture):
        rendition = picture_rendition(product.picture)
        product.picture.save(rendition.name, ContentFile(rendition.content), save=False)
        product.picture_width, product.picture_height = rendition.width, rendition.height
    elif not product.picture:
        product.picture_width = product.picture_height = 0
    product.save()
    if previous and previous != product.picture.name:
        storage = product.picture.storage
        transaction.on_commit(lambda: storage.delete(previous))
    return product


def order_payable(order: ShopOrder) -> Payable:
    return Payable(
        kind="shop",
        reference=order.reference,
        total=order.total,
        currency=order.currency,
        description=_("%(event)s — shop order %(reference)s")
        % {"event": order.event.name, "reference": order.reference},
        return_url=reverse("shop:order", kwargs={"reference": order.reference}),
        awaiting_payment=order.status == Status.PENDING,
        start_again_url=reverse("shop:catalogue"),
    )
