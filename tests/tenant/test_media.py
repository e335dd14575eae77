import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django_tenants.utils import tenant_context


@pytest.fixture
def media_root():
    """The real MEDIA_ROOT (django-tenants' storage caches it); the test tenants' folders are
    removed afterwards."""
    root = Path(settings.MEDIA_ROOT)
    yield root
    for schema in ("alpha", "beta"):
        shutil.rmtree(root / schema, ignore_errors=True)


def test_upload_is_stored_per_tenant_and_served_only_on_its_hosts(
    media_root, tenant_a, tenant_b, client_a, client_b
):
    with tenant_context(tenant_a):
        name = default_storage.save("logos/logo.txt", ContentFile(b"alpha logo"))
        url = default_storage.url(name)

    on_a = client_a.get(url)
    on_b = client_b.get(url)

    assert url == "/media/logos/logo.txt"
    assert (media_root / "alpha" / "logos" / "logo.txt").read_bytes() == b"alpha logo"
    assert on_a.status_code == 200 and b"".join(on_a.streaming_content) == b"alpha logo"
    assert on_b.status_code == 404


def test_same_name_in_two_tenants_keeps_two_files(media_root, tenant_a, tenant_b, client_b):
    for tenant, content in ((tenant_a, b"alpha"), (tenant_b, b"beta")):
        with tenant_context(tenant):
            default_storage.save("badge.txt", ContentFile(content))

    response = client_b.get("/media/badge.txt")

    assert b"".join(response.streaming_content) == b"beta"


def test_paths_cannot_climb_into_another_tenant(media_root, tenant_a, tenant_b, client_b):
    with tenant_context(tenant_a):
        default_storage.save("secret.txt", ContentFile(b"alpha secret"))

    for path in ("/media/../alpha/secret.txt", "/media/%2e%2e/alpha/secret.txt"):
        assert client_b.get(path).status_code == 404
