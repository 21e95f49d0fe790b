"""The data versions count writes per département (any table), no longer per (kind of rows, site)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("qualipref", "0004_data_version"),
    ]

    operations = [
        migrations.DeleteModel(name="DataVersion"),
        migrations.CreateModel(
            name="DataVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("department_id", models.BigIntegerField(unique=True, verbose_name="département")),
                ("version", models.BigIntegerField(default=0, verbose_name="version")),
            ],
            options={
                "verbose_name": "version des données",
                "verbose_name_plural": "versions des données",
            },
        ),
    ]
