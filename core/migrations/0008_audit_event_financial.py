from django.db import migrations, models

# Frozen here: the models of the contribution ledger when this migration was written.
LEDGER_LABELS = (
    "housing.ContributionChange",
    "housing.ContributionSuspension",
    "housing.ContributionCharge",
    "housing.ArrearsFlag",
    "housing.RepaymentPlan",
    "housing.RepaymentInstalment",
    "housing.Payment",
)


def classify_existing_events(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    AuditEvent.objects.filter(model_label__in=LEDGER_LABELS).update(financial=True)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_security_event_household_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="financial",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Una riga del registro della quota di compartecipazione: la legge solo "
                    "chi può leggere le quote della presa in carico."
                ),
                verbose_name="dati contabili",
            ),
        ),
        migrations.RunPython(classify_existing_events, migrations.RunPython.noop),
    ]
