from django.db import models


class Volunteer(models.Model):
    """A person's record in a new app: personal data the platform has never heard of."""

    account_id = models.BigIntegerField()
    legal_name = models.CharField(max_length=200)
    phone = models.CharField(max_length=40)
    shirt_size = models.CharField(max_length=5, blank=True)

    def __str__(self) -> str:
        return self.legal_name
