"""Write the portal's data to one file, for a backup or to move to another host.

    manage.py portal_export backup.xml.gz

Holds accounts (users, roles, API tokens), profiles and every entry with its revisions,
documents, reviews, comments, audit log, pull requests and notifications. Sessions, caches and
the broker's queue are left out: they are rebuilt. Restore with `manage.py portal_import`.
The format is Django's XML serialization: unlike its JSON one, it keeps times to the microsecond,
which the audit log's order relies on.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand

# What a portal is made of; permissions and content types are recreated by `migrate`.
EXPORTED = ["auth.user", "auth.group", "authtoken.token", "contributions"]


class Command(BaseCommand):
    help = "Export the portal's data to an XML file (.gz to compress) for portal_import."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="file to write; '-' for standard output")

    def handle(self, *args, path: str, **options) -> None:
        buffer = io.StringIO()
        call_command(
            "dumpdata", *EXPORTED, format="xml", natural_foreign=True, stdout=buffer, verbosity=0
        )
        data = buffer.getvalue()
        if path == "-":
            self.stdout.write(data)
            return
        target = Path(path)
        if target.suffix == ".gz":
            with gzip.open(target, "wt", encoding="utf-8") as handle:
                handle.write(data)
        else:
            target.write_text(data, encoding="utf-8")
        self.stderr.write(f"exported to {target}")
