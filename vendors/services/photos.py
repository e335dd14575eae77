"""Photos of a dealer's work, added to their application while it waits for review."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import FileExtensionValidator
from django.db import transaction
from django.utils.translation import gettext as _

from midsummer.images import ACCEPTED_EXTENSIONS
from tenant.models import User
from vendors.models import Application, Photo
from vendors.photos import PHOTOS_PER_APPLICATION, photo_rendition


@transaction.atomic
def photo_add(*, application_id: int, account: User, upload: UploadedFile) -> Photo:
    """Check the upload, store its re-encoded rendition (never the file as sent). At most
    ``PHOTOS_PER_APPLICATION``, while the application is pending."""
    application = (
        Application.objects.select_for_update()
        .filter(pk=application_id, account_id=account.pk)
        .first()
    )
    if application is None or application.status != Application.Status.PENDING:
        raise ValidationError(_("Photos are added while the application waits for review."))
    if application.photos.count() >= PHOTOS_PER_APPLICATION:
        raise ValidationError(
            _("At most %(count)s photos: remove one first.") % {"count": PHOTOS_PER_APPLICATION}
        )
    FileExtensionValidator(ACCEPTED_EXTENSIONS)(upload)
    rendition = photo_rendition(upload)  # decodes it: refused unless a picture of work
    photo = Photo(application=application, width=rendition.width, height=rendition.height)
    photo.image.save(rendition.name, ContentFile(rendition.content), save=False)
    photo.save()
    return photo


@transaction.atomic
def photo_remove(*, photo_id: int, account: User) -> None:
    photo = (
        Photo.objects.select_related("application")
        .filter(pk=photo_id, application__account_id=account.pk)
        .first()
    )
    if photo is None:
        raise ValidationError(_("No such photo."))
    if photo.application.status != Application.Status.PENDING:
        raise ValidationError(_("Photos are changed while the application waits for review."))
    photo.image.delete(save=False)
    photo.delete()
