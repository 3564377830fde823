from django.db import migrations, models


def bind_stored_tokens(apps, schema_editor):
    # Tokens stored before this field existed were entered for the supplier's base URL of now.
    Supplier = apps.get_model("marketplace_suppliers", "Supplier")
    for supplier in Supplier.objects.all().only("pk", "base_url"):
        Supplier.objects.filter(pk=supplier.pk).update(tokens_base_url=supplier.base_url.strip().rstrip("/"))


class Migration(migrations.Migration):
    dependencies = [("marketplace_suppliers", "0002_first_operator")]

    operations = [
        migrations.AddField(
            model_name="supplier",
            name="tokens_base_url",
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.RunPython(bind_stored_tokens, migrations.RunPython.noop),
    ]
