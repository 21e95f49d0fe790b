from django.db import migrations, models


class Migration(migrations.Migration):
    """The register of a scope of many sites, newest first, read from an index (see the model)."""

    dependencies = [("complaints", "0008_search_words")]

    operations = [
        migrations.AddIndex(
            model_name="correspondence",
            index=models.Index(
                models.OrderBy(models.F("received_on"), descending=True), models.F("id"), name="request_recent"
            ),
        ),
    ]
