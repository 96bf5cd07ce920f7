from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("contributions", "0008_issue11_email_verification")]

    operations = [
        migrations.AddField(
            model_name="contributorprofile",
            name="github_noreply_email",
            field=models.EmailField(blank=True, max_length=254),
        ),
        migrations.AddField(
            model_name="contributorprofile",
            name="credit_github_noreply",
            field=models.BooleanField(default=False),
        ),
    ]
