"""Case.last_contact_on: the day of the last contact with the household, stored (issue
14: "last contact" was computed per case on every request). Filled here from the
diaries with the same expression as beneficiaries.selectors.pathway.computed_last_contact,
written against the migration's own models."""

from django.db import migrations, models
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest


def fill(apps, schema_editor):
    Case = apps.get_model("beneficiaries", "Case")
    CaseNote = apps.get_model("beneficiaries", "CaseNote")
    own = Subquery(
        CaseNote.objects.filter(case_id=OuterRef("pk"))
        .values("case_id")
        .annotate(last=Max("happened_on"))
        .values("last")[:1]
    )
    group = Subquery(
        CaseNote.households.through.objects.filter(household_id=OuterRef("household_id"))
        .values("household_id")
        .annotate(last=Max("casenote__happened_on"))
        .values("last")[:1]
    )
    Case.objects.update(last_contact_on=Greatest(Coalesce(own, group), Coalesce(group, own)))


class Migration(migrations.Migration):
    dependencies = [
        ("beneficiaries", "0013_referral_list_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="last_contact_on",
            field=models.DateField(
                blank=True, editable=False, null=True, verbose_name="ultimo contatto"
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
