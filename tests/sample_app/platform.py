from __future__ import annotations

from midsummer.contract import DemoConvention, HomeCard, NavLink, PeriodicWork, TenantAppContract
from tests.sample_app.models import Volunteer


class Contract(TenantAppContract):
    scrambled_columns = {
        "sample_app_volunteer": {
            "legal_name": "{first} || ' ' || {last}",
            "phone": "'+1 555 02' || lpad((id % 100)::text, 2, '0')",
        }
    }
    urls = "tests.sample_app.urls"
    url_prefix = "shifts/"
    nav_links = (NavLink("sample_app:index", "Shifts", order=30),)
    home_cards = (HomeCard("sample_app:index", "Volunteer", order=30),)
    periodic = (PeriodicWork("sample_app.count_volunteers", every=300),)

    def personal_data(self, *, account):
        rows = Volunteer.objects.filter(account_id=account.pk).order_by("pk")
        return [{"legal_name": v.legal_name, "phone": v.phone} for v in rows] or None

    def personal_data_erase(self, *, account) -> int:
        return Volunteer.objects.filter(account_id=account.pk).update(
            legal_name="Anonymized", phone=""
        )

    def account_is_attendee(self, *, account_id: int) -> bool:
        return Volunteer.objects.filter(account_id=account_id).exists()

    def seed_demo(self, convention: DemoConvention) -> None:
        Volunteer.objects.get_or_create(
            account_id=convention.admin.pk,
            defaults={"legal_name": f"{convention.name} volunteer", "phone": "+1 555 0000"},
        )
