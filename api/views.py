"""The REST API's endpoints: thin — a scope and a role (api/access.py), a selector or one
service, a serializer. Refusals are problem details (api/problems.py)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import exceptions, serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.access import ScopedAccess
from api.idempotency import KEY_PARAMETER, idempotent
from api.problems import problem_response
from api.serializers import (
    DealerSerializer,
    EventSerializer,
    OrderCancelSerializer,
    OrderRefundSerializer,
    OrderSerializer,
    ProductSerializer,
    RedeemRequestSerializer,
    RedeemResponseSerializer,
    RegistrationSerializer,
    ReleaseSerializer,
    RoomSerializer,
    SessionSerializer,
    ShiftSerializer,
    ShopOrderSerializer,
    VolunteerHoursSerializer,
)
from api.sync import ConditionalReadMixin, IdCursorPagination
from event.models import Event
from event.selectors import active_event, event_today
from kiosk.models import CheckIn
from kiosk.selectors import device_of_application
from kiosk.services import checkin_redeem
from midsummer.security import content_security_policy
from register.models import BadgeLevel, Order, Registration
from register.selectors import (
    level_price_on,
    orders_listed,
    registration_settings,
    registrations_listed,
)
from register.services import order_cancel, order_refund
from schedule.models import Release, ReleasedSession
from schedule.selectors import latest_release, released_rooms, released_sessions, releases
from shop.models import Product, ShopOrder
from shop.selectors import catalogue
from staff.models import Shift
from staff.selectors import PersonHours, hours_report
from vendors.models import Application


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI from our static files. Its script sets style attributes, so this page's
    policy allows inline styles (scripts stay our own files only)."""

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().get(request, *args, **kwargs)
        if request.GET.get("script") is None:  # the page, not its script
            response["Content-Security-Policy"] = content_security_policy(
                getattr(request, "csp_nonce", ""), inline_styles=True
            )
        return response


def _filters(filters: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """The list's query parameters, checked: bad ones are a 400 naming each."""
    query = filters(data=request.query_params)
    query.is_valid(raise_exception=True)
    return dict(query.validated_data)


def _event() -> Event:
    event = active_event()
    if event is None:
        raise exceptions.NotFound(_("This convention has no event on now."))
    return event


class EventView(ConditionalReadMixin, RetrieveAPIView):
    """The convention's current event and the badge levels it sells, at today's prices."""

    permission_classes = [AllowAny]
    serializer_class = EventSerializer

    def get_object(self) -> Event:
        event = _event()
        today = event_today(event)
        levels = list(BadgeLevel.objects.filter(event=event, is_hidden=False))
        for level in levels:
            level.price_today = level_price_on(level=level, day=today)  # type: ignore[attr-defined]
        event.badge_levels_listed = levels  # type: ignore[attr-defined]
        event.currency = registration_settings(event=event).currency  # type: ignore[attr-defined]
        return event


class RegistrationFilter(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["pending", "paid", "expired", "cancelled", "refunded", "held"], required=False
    )
    level = serializers.IntegerField(required=False, min_value=1)
    changed_since = serializers.DateTimeField(required=False)
    paid_since = serializers.DateTimeField(required=False)


@extend_schema(
    parameters=[
        OpenApiParameter("status", str, enum=RegistrationFilter().fields["status"].choices),
        OpenApiParameter("level", int, description="A badge level's id."),
        OpenApiParameter(
            "changed_since", str, description="ISO 8601: the badge or its order changed after."
        ),
        OpenApiParameter("paid_since", str, description="ISO 8601: paid at or after."),
    ]
)
class RegistrationListView(ConditionalReadMixin, ListAPIView):
    """Registrations of the current event, oldest first, a cursor page at a time."""

    scope = "registrations:read"
    permission = "register.view_registration"
    permission_classes = [ScopedAccess]
    serializer_class = RegistrationSerializer
    pagination_class = IdCursorPagination

    def get_queryset(self) -> QuerySet[Registration]:
        wanted = _filters(RegistrationFilter, self.request)
        return registrations_listed(
            event_id=_event().pk,
            status=wanted.get("status", ""),
            level_id=wanted.get("level"),
            changed_since=wanted.get("changed_since"),
            paid_since=wanted.get("paid_since"),
        )


class RegistrationDetailView(ConditionalReadMixin, RetrieveAPIView):
    scope = "registrations:read"
    permission = "register.view_registration"
    permission_classes = [ScopedAccess]
    serializer_class = RegistrationSerializer

    def get_queryset(self) -> QuerySet[Registration]:
        return registrations_listed(event_id=_event().pk)


class OrderFilter(serializers.Serializer):
    status = serializers.ChoiceField(choices=Order.Status.values, required=False)
    changed_since = serializers.DateTimeField(required=False)
    paid_since = serializers.DateTimeField(required=False)


@extend_schema(
    parameters=[
        OpenApiParameter("status", str, enum=Order.Status.values),
        OpenApiParameter("changed_since", str, description="ISO 8601: the order changed after."),
        OpenApiParameter("paid_since", str, description="ISO 8601: paid at or after."),
    ]
)
class OrderListView(ConditionalReadMixin, ListAPIView):
    """Orders of the current event with their badges, oldest first, a cursor page at a time."""

    scope = "registrations:read"
    permission = "register.view_order"
    permission_classes = [ScopedAccess]
    serializer_class = OrderSerializer
    pagination_class = IdCursorPagination

    def get_queryset(self) -> QuerySet[Order]:
        wanted = _filters(OrderFilter, self.request)
        return orders_listed(
            event_id=_event().pk,
            status=wanted.get("status", ""),
            changed_since=wanted.get("changed_since"),
            paid_since=wanted.get("paid_since"),
        )


class OrderDetailView(ConditionalReadMixin, RetrieveAPIView):
    scope = "registrations:read"
    permission = "register.view_order"
    permission_classes = [ScopedAccess]
    serializer_class = OrderSerializer

    def get_queryset(self) -> QuerySet[Order]:
        return orders_listed(event_id=_event().pk)


class OrderWriteView(APIView):
    """A change of one order of the current event by its service, in the order's history as
    the token's person (none for an integration)."""

    scope = "registrations:write"
    permission = "register.change_order"
    permission_classes = [ScopedAccess]

    def _order(self, pk: int) -> Order:
        return get_object_or_404(orders_listed(event_id=_event().pk), pk=pk)

    def _answer(self, change: Any, *, pk: int) -> Response:
        try:
            change()
        except ValidationError as error:
            return problem_response(409, " ".join(error.messages))
        return Response(OrderSerializer(self._order(pk)).data)


class OrderCancelView(OrderWriteView):
    """Cancel an unpaid order: its places are free at once. A paid order is refunded instead
    (409 here)."""

    @extend_schema(
        request=OrderCancelSerializer,
        responses={200: OrderSerializer},
        parameters=[KEY_PARAMETER],
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        order = self._order(pk)
        body = OrderCancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        note = body.validated_data["note"] or _("through the API")
        return self._answer(
            lambda: order_cancel(order_id=order.pk, by=request.auth.user, note=note), pk=pk
        )


class OrderRefundView(OrderWriteView):
    """Refund part or all of a paid order (through the payment provider first: if it refuses,
    nothing changes). In full, its badges end and its places are free."""

    @extend_schema(
        request=OrderRefundSerializer,
        responses={200: OrderSerializer},
        parameters=[KEY_PARAMETER],
    )
    @idempotent
    def post(self, request: Request, pk: int) -> Response:
        order = self._order(pk)
        body = OrderRefundSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        amount = body.validated_data.get("amount") or order.total - order.refunded_total
        note = body.validated_data["note"] or _("through the API")
        return self._answer(
            lambda: order_refund(order_id=order.pk, amount=amount, by=request.auth.user, note=note),
            pk=pk,
        )


class RedeemView(APIView):
    """Check a scanned badge in (or out) — once, whatever a device retries: the same nonce
    answers with the first check-in. For the convention's enrolled devices (client
    credentials) and for people whose role here checks badges in."""

    scope = "checkin:write"
    permission = "kiosk.add_checkin"
    permission_classes = [ScopedAccess]

    @extend_schema(
        request=RedeemRequestSerializer,
        responses={200: RedeemResponseSerializer, 201: RedeemResponseSerializer},
        parameters=[KEY_PARAMETER],
    )
    @idempotent
    def post(self, request: Request) -> Response:
        token = request.auth
        device = None
        if token.user is None:
            device = device_of_application(application_id=token.application_id)
            if device is None:
                raise exceptions.PermissionDenied(_("This client is not an enrolled device here."))
        body = RedeemRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            result = checkin_redeem(
                event=_event(),
                secret=data["secret"],
                nonce=data["nonce"],
                kind=data["type"],
                scanned_at=data.get("datetime"),
                source=CheckIn.Source.DEVICE if device else CheckIn.Source.DESK,
                desk=device.name if device else "API",
                device=device,
                operator_id=None if device else token.user.pk,
            )
        except ValidationError as error:
            return problem_response(400, " ".join(error.messages))
        if result.status == "ok":
            status = 200 if result.duplicate else 201
        else:
            status = 404 if result.reason == "invalid" else 409
        return Response(result.as_json(), status=status)


class SessionListView(ConditionalReadMixin, ListAPIView):
    """The released programme: every session of the latest release (public)."""

    permission_classes = [AllowAny]
    serializer_class = SessionSerializer
    pagination_class = IdCursorPagination

    def get_queryset(self) -> QuerySet[ReleasedSession]:
        release = latest_release(event=_event())
        if release is None:
            return ReleasedSession.objects.none()
        return released_sessions(release=release)


class RoomListView(ConditionalReadMixin, ListAPIView):
    """The rooms of the released programme, as the latest release froze them (public)."""

    permission_classes = [AllowAny]
    serializer_class = RoomSerializer
    pagination_class = None

    def get_queryset(self) -> list[dict[str, Any]]:  # type: ignore[override]
        release = latest_release(event=_event())
        return [] if release is None else released_rooms(release=release)


class ReleaseListView(ConditionalReadMixin, ListAPIView):
    """The schedule's released versions, newest first, each with what changed (public)."""

    permission_classes = [AllowAny]
    serializer_class = ReleaseSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Release]:
        return releases(event=_event())


class ProductListView(ConditionalReadMixin, ListAPIView):
    """The merch on sale now with what is left of each variant (public)."""

    permission_classes = [AllowAny]
    serializer_class = ProductSerializer
    pagination_class = None

    def get_queryset(self) -> list[Product]:  # type: ignore[override]
        products = []
        for product, items in catalogue(event=_event(), now=timezone.now()):
            for item in items:
                item.variant.left = item.left  # type: ignore[attr-defined]
            product.variants_listed = [item.variant for item in items]  # type: ignore[attr-defined]
            products.append(product)
        return products


class ShopOrderListView(ConditionalReadMixin, ListAPIView):
    """Merch orders of the current event with their lines."""

    scope = "shop:read"
    permission = "shop.view_shoporder"
    permission_classes = [ScopedAccess]
    serializer_class = ShopOrderSerializer
    pagination_class = IdCursorPagination

    def get_queryset(self) -> QuerySet[ShopOrder]:
        return ShopOrder.objects.filter(event=_event()).prefetch_related("lines__variant__product")


class ShiftFilter(serializers.Serializer):
    status = serializers.ChoiceField(choices=Shift.Status.values, required=False)
    starts_after = serializers.DateTimeField(required=False)


@extend_schema(
    parameters=[
        OpenApiParameter("status", str, enum=Shift.Status.values),
        OpenApiParameter("starts_after", str, description="ISO 8601: jobs starting after."),
    ]
)
class ShiftListView(ConditionalReadMixin, ListAPIView):
    """Volunteers' shifts of the current event: the job, when, its weight, what happened."""

    scope = "staff:read"
    permission = "staff.view_shift"
    permission_classes = [ScopedAccess]
    serializer_class = ShiftSerializer
    pagination_class = IdCursorPagination

    def get_queryset(self) -> QuerySet[Shift]:
        wanted = _filters(ShiftFilter, self.request)
        shifts = Shift.objects.filter(job__department__event=_event()).select_related(
            "job__department", "volunteer"
        )
        if "status" in wanted:
            shifts = shifts.filter(status=wanted["status"])
        if "starts_after" in wanted:
            shifts = shifts.filter(job__start__gt=wanted["starts_after"])
        return shifts


class VolunteerHoursView(ConditionalReadMixin, ListAPIView):
    """Hours per volunteer and department — still to work and worked (weighted) — with the
    rewards each person's worked hours earned."""

    scope = "staff:read"
    permission = "staff.view_shift"
    permission_classes = [ScopedAccess]
    serializer_class = VolunteerHoursSerializer
    pagination_class = None

    def get_queryset(self) -> list[PersonHours]:  # type: ignore[override]
        return hours_report(event=_event())


class DealerFilter(serializers.Serializer):
    status = serializers.ChoiceField(choices=Application.Status.values, required=False)


@extend_schema(parameters=[OpenApiParameter("status", str, enum=Application.Status.values)])
class DealerListView(ConditionalReadMixin, ListAPIView):
    """Dealers' applications of the current event, their invoices and tables (no contact or
    tax details)."""

    scope = "vendors:read"
    permission = "vendors.view_application"
    permission_classes = [ScopedAccess]
    serializer_class = DealerSerializer
    pagination_class = IdCursorPagination

    def get_queryset(self) -> QuerySet[Application]:
        wanted = _filters(DealerFilter, self.request)
        dealers = Application.objects.filter(event=_event()).select_related("table_type")
        if "status" in wanted:
            dealers = dealers.filter(status=wanted["status"])
        return dealers
