"""The door's side of the app contract: a person's check-ins in "my data", erased on request;
the admin's tiles for those who may see the door."""

from __future__ import annotations

from kiosk.models import CheckIn, Device, PrintJob
from kiosk.platform import Contract
from kiosk.services import checkin_redeem, print_job_request
from tenant.models import User
from tests.factories.tenant import ApplicationFactory, MembershipFactory
from tests.kiosk.conftest import paid_badges


def test_a_persons_checkins_are_in_their_data_and_erased_with_it(door):
    event, level = door
    (mine,) = paid_badges(event, level, badge_name="Mine")
    (theirs,) = paid_badges(event, level)
    for n, badge in enumerate([mine, theirs]):
        checkin_redeem(event=event, secret=badge.checkin_token, nonce=f"n{n}")
        print_job_request(registration=badge, requested_by_id=None)
    account = User.objects.get(pk=mine.order.account_id)

    data = Contract().personal_data(account=account)
    erased = Contract().personal_data_erase(account=account)

    assert [(row["badge"], row["kind"]) for row in data] == [("Mine", "entry")]
    assert erased == 2
    assert list(CheckIn.objects.values_list("registration_id", flat=True)) == [theirs.pk]
    assert list(PrintJob.objects.values_list("registration_id", flat=True)) == [theirs.pk]


def test_the_admin_tiles_show_the_door_to_operators_only(door, tenant_a, rf):
    event, level = door
    (badge,) = paid_badges(event, level)
    checkin_redeem(event=event, secret=badge.checkin_token, nonce="n")
    print_job_request(registration=badge, requested_by_id=None)

    def tiles(roles: list[str]) -> list[tuple[str, str]]:
        request = rf.get("/admin/")
        request.user = MembershipFactory(tenant=tenant_a, roles=roles).user
        return [(str(t.label), t.value) for t in Contract().admin_tiles(request=request)]

    assert tiles(["kiosk_operator"]) == [("Checked in", "1"), ("Badges waiting to be printed", "1")]
    assert tiles(["schedule_lead"]) == []


def test_a_device_is_enrolled_only_with_this_conventions_oauth_client(
    door, tenant_a, tenant_b, operator_client
):
    ours = ApplicationFactory(tenant=tenant_a)
    theirs = ApplicationFactory(tenant=tenant_b)
    admin_client = operator_client(roles=["org_admin"])

    refused = admin_client.post(
        "/admin/kiosk/device/add/",
        {"name": "Stolen", "application_id": theirs.pk, "is_active": "on"},
    )
    enrolled = admin_client.post(
        "/admin/kiosk/device/add/", {"name": "Door 1", "application_id": ours.pk, "is_active": "on"}
    )

    assert refused.status_code == 200
    assert "This convention has no OAuth application with this id." in refused.text
    assert enrolled.status_code == 302
    assert list(Device.objects.values_list("name", "application_id")) == [("Door 1", ours.pk)]
