"""Writes of the convention's public site."""

from __future__ import annotations

from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.fields.files import FieldFile

from front import images
from front.models import SiteBranding
from tenant.signals import listing_changed

# Every file of a branding: uploads' renditions and the files derived from them.
IMAGE_FIELDS = ("logo", "banner", "social_image", "favicon", "touch_icon")


@transaction.atomic
def branding_save(*, branding: SiteBranding) -> SiteBranding:
    """Validate and save the convention's branding; ValidationError (nothing written) when a
    field is invalid, an upload included.

    A new upload is replaced by its renditions (front/images.py): the logo by a PNG at most
    160 px high, the banner by a WebP within 1600×600 and the 1200×630 JPEG of social previews,
    the favicon by PNGs of 32 and 180 px; a cleared image clears what was made from it.

    Side effects: the renditions are written to the convention's media storage (removed again
    if saving the row fails); files the branding no longer uses are deleted once the
    transaction commits; listings built from its description (the platform directory) are
    refreshed in this transaction.
    """
    branding.full_clean()
    previous = (
        SiteBranding.objects.select_for_update().filter(pk=branding.pk).first()
        if branding.pk
        else None
    )
    written: list[Path] = []
    try:
        _make_renditions(branding, written)
        if previous is None:
            branding.save()
        else:
            branding.save(
                update_fields=[
                    field.name
                    for field in SiteBranding._meta.concrete_fields
                    if not field.primary_key
                ]
            )
    except BaseException:
        _delete(written)
        raise
    if previous is not None:
        kept = {getattr(branding, name).name for name in IMAGE_FIELDS}
        unused = [
            Path(file.path)
            for name in IMAGE_FIELDS
            if (file := getattr(previous, name)) and file.name not in kept
        ]
        transaction.on_commit(lambda: _delete(unused))
    listing_changed.send(sender=SiteBranding)
    return branding


def _delete(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _store(file: FieldFile, rendition: images.Rendition, written: list[Path]) -> None:
    file.save(rendition.name, ContentFile(rendition.content), save=False)
    written.append(Path(file.path))


def _make_renditions(branding: SiteBranding, written: list[Path]) -> None:
    if images.is_new_upload(branding.logo):
        logo = images.logo_rendition(images.open_upload(branding.logo, images.LOGO))
        _store(branding.logo, logo, written)
        branding.logo_width, branding.logo_height = logo.width, logo.height
    elif not branding.logo:
        branding.logo_width = branding.logo_height = 0

    if images.is_new_upload(branding.banner):
        banner, social = images.banner_renditions(
            images.open_upload(branding.banner, images.BANNER)
        )
        _store(branding.banner, banner, written)
        _store(branding.social_image, social, written)
        branding.banner_width, branding.banner_height = banner.width, banner.height
    elif not branding.banner:
        branding.social_image = ""
        branding.banner_width = branding.banner_height = 0

    if images.is_new_upload(branding.favicon):
        favicon, touch_icon = images.favicon_renditions(
            images.open_upload(branding.favicon, images.FAVICON)
        )
        _store(branding.favicon, favicon, written)
        _store(branding.touch_icon, touch_icon, written)
    elif not branding.favicon:
        branding.touch_icon = ""
