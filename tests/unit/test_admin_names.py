"""Django admin names every model in correct English."""

import re

from django.apps import apps

# Plurals that are not the singular plus "s".
IRREGULAR = {"WebhookDelivery": "webhook deliveries", "ServiceStatus": "service statuses"}


def test_every_model_has_a_proper_plural():
    # given every model of the portal
    wrong = []
    for model in apps.get_app_config("contributions").get_models():
        singular = str(model._meta.verbose_name)
        plural = str(model._meta.verbose_name_plural)
        expected = IRREGULAR.get(model.__name__, f"{singular}s")
        # then its plural is the irregular one where needed, never "deliverys" or "statuss"
        if plural != expected or re.search(r"[^aeiou]ys$|ss$", plural):
            wrong.append(f"{model.__name__}: {plural}")
    assert wrong == []
