"""Load a file written by `manage.py portal_export` into an empty, migrated portal.

    manage.py migrate && manage.py portal_import backup.xml.gz

Refuses a database that already holds users or entries (it would mix two portals), and loads
everything in one transaction: either all of it is there afterwards, or nothing is.
"""

from __future__ import annotations

import gzip
import shutil
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from contributions.models import Contribution


class Command(BaseCommand):
    help = "Import a portal_export file into an empty portal (after migrate)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="a file written by portal_export (.xml or .xml.gz)")

    def handle(self, *args, path: str, **options) -> None:
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"{source} does not exist")
        if get_user_model().objects.exists() or Contribution.objects.exists():
            raise CommandError(
                "This database already holds users or entries; import only into a new, "
                "migrated, empty portal."
            )
        with tempfile.TemporaryDirectory() as folder:
            plain = Path(folder) / "portal.xml"
            if source.suffix == ".gz":
                with gzip.open(source, "rb") as packed, plain.open("wb") as out:
                    shutil.copyfileobj(packed, out)
            else:
                shutil.copyfile(source, plain)
            with transaction.atomic():
                call_command("loaddata", str(plain), verbosity=0)
        self.stderr.write(
            f"imported {get_user_model().objects.count()} users and "
            f"{Contribution.objects.count()} entries"
        )
