import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0002_listing_position'),
        ('tenant', '0011_due_work'),
    ]

    operations = [
        migrations.AddField(
            model_name='conventionlisting',
            name='convention_name',
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.RunSQL(
            "UPDATE directory_conventionlisting AS listing SET convention_name = tenant.name "
            "FROM tenant_tenant AS tenant WHERE tenant.id = listing.tenant_id",
            migrations.RunSQL.noop,
        ),
        migrations.AddField(
            model_name='conventionlisting',
            name='search_words',
            field=models.GeneratedField(db_persist=True, expression=django.contrib.postgres.search.SearchVector('event_name', 'city', 'convention_name', config='simple'), output_field=django.contrib.postgres.search.SearchVectorField()),
        ),
        migrations.AddIndex(
            model_name='conventionlisting',
            index=models.Index(fields=['start_date', 'event_name'], name='directory_listing_order'),
        ),
        migrations.AddIndex(
            model_name='conventionlisting',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_words'], name='directory_listing_search'),
        ),
    ]
