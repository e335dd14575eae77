"""The demo conventions' look, as ``seed_demo`` makes it."""

import io
import shutil
from pathlib import Path

from django.core.management import call_command
from django_tenants.utils import tenant_context
from PIL import Image

from front.models import SiteBranding
from tenant.models import Tenant

DEMO = {"furrydelphia": "#5b21b6", "uproar": "#0f5132"}
PICTURES = ("logo", "banner", "social_image", "favicon", "touch_icon")


def test_seed_demo_gives_both_conventions_pictures_and_links_once(settings, db):
    settings.DEV_MODE = True  # seed_demo runs in dev mode only
    for schema in DEMO:
        shutil.rmtree(Path(settings.MEDIA_ROOT) / schema, ignore_errors=True)

    call_command("seed_demo", stdout=io.StringIO())
    first = {}
    for schema in DEMO:
        with tenant_context(Tenant.objects.get(schema_name=schema)):
            first[schema] = SiteBranding.objects.get()
    call_command("seed_demo", stdout=io.StringIO())  # again: nothing changes

    try:
        for schema, colour in DEMO.items():
            with tenant_context(Tenant.objects.get(schema_name=schema)):
                (branding,) = SiteBranding.objects.all()
                with Image.open(branding.banner.path) as banner:
                    banner_size = banner.size
            folder = Path(settings.MEDIA_ROOT) / schema / "branding"
            names = [getattr(branding, name).name for name in PICTURES]
            assert names == [getattr(first[schema], name).name for name in PICTURES]
            assert sorted(path.name for path in folder.iterdir()) == sorted(
                Path(name).name for name in names
            )
            assert banner_size == (1600, 600)
            assert branding.brand_colour == colour
            assert branding.banner_alt and branding.contact_email.endswith(".example")
            assert len(branding.social_links) >= 4
    finally:
        for schema in DEMO:
            shutil.rmtree(Path(settings.MEDIA_ROOT) / schema, ignore_errors=True)
