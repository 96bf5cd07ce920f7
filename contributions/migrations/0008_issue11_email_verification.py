from django.db import migrations, models


def existing_accounts_are_verified(apps, schema_editor):
    # Accounts made before e-mail verification existed keep submitting as they did.
    Profile = apps.get_model("contributions", "ContributorProfile")
    Profile.objects.filter(email_verified_at__isnull=True).update(
        email_verified_at=models.F("created_at")
    )


class Migration(migrations.Migration):
    dependencies = [("contributions", "0007_issue10_document_conversion")]

    operations = [
        migrations.AddField(
            model_name="contributorprofile",
            name="email_verified_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(existing_accounts_are_verified, migrations.RunPython.noop),
    ]
