"""``manage.py validate_taxonomy PATH...``: validate qna.yaml files or whole checkouts."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from contributions.taxonomy import DEFAULT_LICENSES, Report, TaxonomyPolicy
from contributions.taxonomy.discover import find_qna_files, validate_found


class Command(BaseCommand):
    help = (
        "Validate taxonomy qna.yaml files (or every qna.yaml/qna.yml under a directory) "
        "as the taxonomy CI, ilab and the portal would. The taxonomy path of a file (which "
        "decides the schema and placement) starts at its compositional_skills/, knowledge/ "
        "or foundational_skills/ folder, found below the directory argument, the enclosing "
        "git checkout or --root."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "paths", nargs="+", metavar="PATH", help="qna.yaml files or directories"
        )
        parser.add_argument(
            "--format", choices=("text", "json"), default="text", help="json: one object per line"
        )
        parser.add_argument(
            "--mode",
            choices=("ci", "portal"),
            default="portal",
            help="which verdict decides the exit status (default: portal)",
        )
        parser.add_argument("--root", help="the taxonomy root, if it cannot be found otherwise")

    def handle(self, *args: Any, **options: Any) -> None:
        mode = options["mode"]
        # The portal's own licence list, so the command agrees with what the portal shows.
        licences = getattr(settings, "TAXONOMY_ALLOWED_LICENSES", DEFAULT_LICENSES)
        policy = TaxonomyPolicy(allowed_licenses=tuple(licences))
        checked = failed = 0
        for found in find_qna_files(options["paths"], root=options["root"]):
            report = validate_found(found, policy=policy)
            checked += 1
            if not (report.ci_valid if mode == "ci" else report.portal_valid):
                failed += 1
            if options["format"] == "json":
                self.stdout.write(json.dumps(_json_line(report), ensure_ascii=False))
            else:
                self.stdout.write(_text_block(report))
        if checked == 0:
            raise CommandError("No qna.yaml or qna.yml files found.", returncode=2)
        if options["format"] == "text":
            self.stdout.write(f"{checked} file(s) checked, {failed} failing the {mode} check.")
        if failed:
            raise CommandError(
                f"{failed} of {checked} file(s) fail the {mode} check.", returncode=1
            )


def _json_line(report: Report) -> dict[str, Any]:
    return {
        "path": report.path,
        "ci_valid": report.ci_valid,
        "portal_valid": report.portal_valid,
        "issues": [i.to_dict() for i in report.issues],
    }


def _verdict(ok: bool) -> str:
    return "pass" if ok else "FAIL"


def _text_block(report: Report) -> str:
    lines = [
        f"{report.path}: ci {_verdict(report.ci_valid)}, ilab {_verdict(report.ilab_valid)}, "
        f"portal {_verdict(report.portal_valid)}"
    ]
    for found in report.issues:
        where = found.location.describe()
        where = f" ({where})" if where else ""
        lines.append(f"  {found.severity} {found.source}: {found.message}{where} [{found.rule}]")
    return "\n".join(lines)
