"""`Request` becomes `Correspondence`: in views `request` always means the HTTP request (issue 17)."""

from django.conf import settings
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0004_request_deadline_pauses"),
        # every migration that points at the old model first, so that the rename carries its links
        ("actionplans", "0002_action_unique_in_plan"),
        ("sites", "0003_department_prefecture_time_zone"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # the constraint names the renamed field: dropped first (SQLite rebuilds the table), made again below
        migrations.RemoveConstraint(model_name="requestpause", name="request_one_open_pause"),
        migrations.RenameModel("Request", "Correspondence"),
        migrations.RenameModel("HistoricalRequest", "HistoricalCorrespondence"),
        migrations.RenameModel("RequestPause", "CorrespondencePause"),
        migrations.RenameField("correspondencepause", "request", "correspondence"),
        migrations.AlterField(
            model_name="correspondence",
            name="assigned_to",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="assigned_correspondences", to=settings.AUTH_USER_MODEL, verbose_name="agent chargé de la réponse"),
        ),
        migrations.AlterField(
            model_name="correspondence",
            name="reception_point",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="correspondences", to="sites.receptionpoint", verbose_name="point d'accueil"),
        ),
        migrations.AddConstraint(
            model_name="correspondencepause",
            constraint=models.UniqueConstraint(condition=models.Q(("end__isnull", True)), fields=("correspondence",), name="request_one_open_pause"),
        ),
        ]
