from django.conf import settings
from django_tenants.files.storage import TenantFileSystemStorage


class TenantMediaStorage(TenantFileSystemStorage):
    """Uploads live under MEDIA_ROOT/<schema>/ and are addressed as MEDIA_URL<path> on the
    tenant's own hosts: the same URL on another tenant's host looks in that tenant's folder, so
    it can never reach this one's files (see tenant.views.MediaFileView)."""

    @property
    def base_url(self) -> str:
        return "/" + settings.MEDIA_URL.strip("/") + "/"
