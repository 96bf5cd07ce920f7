"""Read the taxonomy repository's folder tree now (bin/start runs it once; beat keeps it fresh)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from contributions.forge import ForgeError
from contributions.services.taxonomy_tree import taxonomy_tree_sync


class Command(BaseCommand):
    help = "Sync the taxonomy folder tree from its repository (settings.TAXONOMY_REPO)."

    def handle(self, *args, **options):
        try:
            tree = taxonomy_tree_sync()
        except ForgeError as error:
            raise CommandError(f"The taxonomy tree could not be read: {error}") from error
        self.stdout.write(
            f"{tree.repo}@{tree.commit_sha[:12]}: {len(tree.folders)} folders "
            f"({sum(1 for f in tree.folders.values() if f.get('has_qna'))} with an entry)"
        )
