from django.db import models


class BenchNote(models.Model):
    """A new table with an index and a foreign key, as a typical feature migration adds."""

    event = models.ForeignKey("event.Event", on_delete=models.CASCADE, related_name="+")
    title = models.CharField(max_length=200, db_index=True)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title
