"""What the API shows of each thing. Never a secret: no check-in token, pickup token or
payment reference leaves through here."""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from event.models import Event
from register.models import BadgeLevel, Order, Registration
from schedule.models import Release, ReleasedSession
from shop.models import Product, ShopOrder, Variant
from staff.models import Shift
from vendors.models import Application


class BadgeLevelSerializer(serializers.ModelSerializer):
    price_today = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True)

    class Meta:
        model = BadgeLevel
        fields = ["id", "name", "description", "price_today", "age_rule", "badge_kind"]


class EventSerializer(serializers.ModelSerializer):
    # The levels on sale, with today's price: set by the view (``badge_levels_listed``).
    badge_levels = BadgeLevelSerializer(many=True, read_only=True, source="badge_levels_listed")
    currency = serializers.CharField(read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "name",
            "slug",
            "start_date",
            "end_date",
            "timezone",
            "currency",
            "badge_levels",
        ]


class OrderSummarySerializer(serializers.Serializer):
    reference = serializers.CharField()
    status = serializers.CharField()
    paid_at = serializers.DateTimeField(allow_null=True)


class LevelSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RegistrationSerializer(serializers.ModelSerializer):
    order = OrderSummarySerializer(read_only=True)
    level = LevelSummarySerializer(read_only=True)
    waiting_for_holder = serializers.BooleanField(source="needs_holder", read_only=True)

    class Meta:
        model = Registration
        fields = [
            "id",
            "badge_number",
            "badge_name",
            "legal_name",
            "email",
            "level",
            "order",
            "waiting_for_holder",
        ]


class OrderRegistrationSerializer(serializers.ModelSerializer):
    level = LevelSummarySerializer(read_only=True)

    class Meta:
        model = Registration
        fields = ["id", "badge_number", "badge_name", "level"]


class OrderSerializer(serializers.ModelSerializer):
    registrations = OrderRegistrationSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "reference",
            "status",
            "provider",
            "currency",
            "subtotal",
            "discount_total",
            "total",
            "refunded_total",
            "created_at",
            "paid_at",
            "registrations",
        ]


class OrderCancelSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=200, required=False, default="", help_text="Why, for the order's history."
    )


class OrderRefundSerializer(OrderCancelSerializer):
    amount = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        help_text="What to refund; everything still refundable when left out.",
    )


class RedeemRequestSerializer(serializers.Serializer):
    secret = serializers.CharField(max_length=300, help_text="What the badge's QR code says.")
    nonce = serializers.CharField(
        max_length=64, help_text="The device's key for this scan: the same nonce twice is one."
    )
    type = serializers.ChoiceField(choices=["entry", "exit"], default="entry")
    datetime = serializers.DateTimeField(
        required=False, allow_null=True, help_text="When the device scanned it."
    )


class RedeemResponseSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["ok", "error"])
    reason = serializers.CharField(
        allow_null=True, help_text="With error: invalid, unpaid, canceled, already_redeemed, …"
    )
    message = serializers.CharField()
    duplicate = serializers.BooleanField(help_text="The same nonce again: the first answer.")
    checkin = serializers.IntegerField(allow_null=True)
    previous = serializers.DateTimeField(allow_null=True)
    position = serializers.DictField(allow_null=True, help_text="The badge's essentials.")


class SpeakerSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class SessionSerializer(serializers.ModelSerializer):
    speakers = SpeakerSerializer(many=True, read_only=True)

    class Meta:
        model = ReleasedSession
        fields = [
            "code",
            "guid",
            "title",
            "description",
            "format",
            "content_rating",
            "track_name",
            "room_name",
            "start",
            "duration",
            "speakers",
        ]


class RoomSerializer(serializers.Serializer):
    guid = serializers.UUIDField(source="room_guid")
    name = serializers.CharField(source="room_name")
    position = serializers.IntegerField(source="room_position")
    capacity = serializers.IntegerField(source="room_capacity", help_text="Seats; 0 when unknown.")


class SessionPlaceSerializer(serializers.Serializer):
    room = serializers.CharField()
    start = serializers.DateTimeField()
    duration = serializers.IntegerField(help_text="Minutes.")


class ChangedSessionSerializer(serializers.Serializer):
    guid = serializers.UUIDField()
    title = serializers.CharField()
    before = SessionPlaceSerializer(required=False, help_text="Moved or cancelled: where it was.")
    after = SessionPlaceSerializer(required=False, help_text="New or moved: where it is now.")


class ChangelogSerializer(serializers.Serializer):
    new = ChangedSessionSerializer(many=True, required=False)
    moved = ChangedSessionSerializer(many=True, required=False)
    cancelled = ChangedSessionSerializer(many=True, required=False)


class ReleaseSerializer(serializers.ModelSerializer):
    changelog = ChangelogSerializer(
        read_only=True, help_text="What changed since the version before, by session."
    )

    class Meta:
        model = Release
        fields = ["version", "released_at", "comment", "changelog"]


class VariantSerializer(serializers.ModelSerializer):
    left = serializers.IntegerField(read_only=True)

    class Meta:
        model = Variant
        fields = ["id", "name", "price", "badge_holder_price", "left"]


class ProductSerializer(serializers.ModelSerializer):
    # With what is left of each: set by the view from the catalogue (``variants_listed``).
    variants = VariantSerializer(many=True, read_only=True, source="variants_listed")

    class Meta:
        model = Product
        fields = ["id", "name", "description", "badge_holders_only", "variants"]


class ShopLineSerializer(serializers.Serializer):
    product = serializers.CharField(source="variant.product.name")
    variant = serializers.CharField(source="variant.name")
    quantity = serializers.IntegerField()
    price = serializers.DecimalField(max_digits=10, decimal_places=2)
    picked_up = serializers.IntegerField()
    refunded = serializers.IntegerField()


class ShopOrderSerializer(serializers.ModelSerializer):
    lines = ShopLineSerializer(many=True, read_only=True)

    class Meta:
        model = ShopOrder
        fields = ["id", "reference", "status", "total", "currency", "paid_at", "lines"]


class ShiftSerializer(serializers.ModelSerializer):
    job = serializers.CharField(source="job.name")
    department = serializers.CharField(source="job.department.name")
    start = serializers.DateTimeField(source="job.start")
    end = serializers.DateTimeField(source="job.end")
    weight = serializers.DecimalField(source="job.weight", max_digits=4, decimal_places=2)
    volunteer = serializers.CharField(source="volunteer.name")

    class Meta:
        model = Shift
        fields = [
            "id",
            "job",
            "department",
            "start",
            "end",
            "weight",
            "volunteer",
            "status",
            "clock_in",
            "clock_out",
        ]


class DealerSerializer(serializers.ModelSerializer):
    table_type = serializers.CharField(source="table_type.name")

    class Meta:
        model = Application
        fields = [
            "id",
            "business_name",
            "website",
            "categories",
            "status",
            "table_type",
            "tables",
            "partners",
            "total",
            "due_at",
            "paid_at",
            "table_numbers",
        ]


class VolunteerHoursSerializer(serializers.Serializer):
    volunteer_id = serializers.IntegerField(source="volunteer.pk")
    volunteer = serializers.CharField(source="volunteer.name")
    department = serializers.CharField()
    signed_up = serializers.DecimalField(
        max_digits=6, decimal_places=1, help_text="Weighted hours of shifts still to work."
    )
    worked = serializers.DecimalField(
        max_digits=6, decimal_places=1, help_text="Weighted hours worked (clocked when clocked)."
    )
    rewards = serializers.ListField(
        child=serializers.CharField(), help_text="Rewards the person's worked hours earned."
    )
