"""Create the role groups and the demo accounts (idempotent)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from contributions import roles
from contributions.services.accounts import (
    profile_get_or_create,
    profile_give_dco_consent,
    roles_ensure_groups,
    user_set_roles,
)

# Demo accounts only exist on development machines; the passwords are printed on purpose.
DEMO_ACCOUNTS = [
    ("contributor", "Casey Contributor", {roles.CONTRIBUTOR}),
    ("reviewer", "Riley Reviewer", {roles.CONTRIBUTOR, roles.REVIEWER}),
    ("admin", "Alex Admin", {roles.CONTRIBUTOR, roles.REVIEWER, roles.ADMIN}),
]


def demo_password(username: str) -> str:
    return f"demo-{username}-pass"


class Command(BaseCommand):
    help = "Create the role groups and demo accounts: contributor, reviewer and admin."

    def handle(self, *args, **options) -> None:
        user_model = get_user_model()
        with transaction.atomic():
            roles_ensure_groups()
            for username, display_name, role_names in DEMO_ACCOUNTS:
                user, created = user_model.objects.get_or_create(
                    username=username, defaults={"email": f"{username}@example.org"}
                )
                if created:
                    user.set_password(demo_password(username))
                    user.is_superuser = username == "admin"
                    user.save()
                    user_set_roles(user=user, role_names=role_names, actor=None)
                    profile = profile_get_or_create(user=user)
                    profile.display_name = display_name
                    # Demo addresses receive no mail: they count as confirmed.
                    profile.email_verified_at = timezone.now()
                    profile.save(update_fields=["display_name", "email_verified_at"])
                    profile_give_dco_consent(user=user)
        for username, _, role_names in DEMO_ACCOUNTS:
            self.stdout.write(
                f"  {username:<12} password {demo_password(username):<24} "
                f"roles: {', '.join(sorted(role_names))}"
            )
