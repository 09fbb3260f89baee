from django.db import migrations


def install(apps, schema_editor):
    from doanket.households.poverty import STANDARDS, SERVICES_07

    Standard = apps.get_model("households", "PovertyStandard")
    Deprivation = apps.get_model("households", "Deprivation")
    for code, name, first, last, rural, urban, rural_avg, urban_avg, count, note in STANDARDS:
        standard, _ = Standard.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "first_year": first,
                "last_year": last,
                "rural_line": rural,
                "urban_line": urban,
                "rural_average_line": rural_avg,
                "urban_average_line": urban_avg,
                "poor_deprivations": count,
                "note": note,
            },
        )
        order = 0
        for _service_code, service, items in SERVICES_07:
            for item_code, item_name in items:
                order += 1
                Deprivation.objects.update_or_create(
                    standard=standard,
                    code=item_code,
                    defaults={"service": service, "name": item_name, "order": order},
                )


class Migration(migrations.Migration):
    dependencies = [("households", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
