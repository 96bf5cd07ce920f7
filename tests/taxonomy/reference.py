"""Run instructlab-schema's TaxonomyParser the way the taxonomy CI and ilab do.

Used by tests and the benchmark to compare verdicts with the real thing. The parser
shells out to ``yamllint`` (and ``yq``, for line numbers), so PATH must find the
venv's yamllint; with only the venv on PATH a missing ``yq`` is skipped as upstream does.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import sys
from pathlib import Path

from instructlab.schema.taxonomy import TaxonomyParser, TaxonomyReadingException

VENV_BIN = str(Path(sys.executable).parent)


def ci_parser() -> TaxonomyParser:
    """The parser check-yaml.py builds for the pull-request check."""
    return TaxonomyParser(
        taxonomy_folders=["compositional_skills", "knowledge"],
        schema_version=None,
        message_format="logging",
    )


def ilab_parser() -> TaxonomyParser:
    """The parser ``ilab taxonomy diff`` builds: each file's own version, strict yamllint."""
    return TaxonomyParser(schema_version=0, yamllint_strict=True, message_format="logging")


@contextlib.contextmanager
def venv_path():
    """Let the parser's subprocesses find yamllint (and nothing else)."""
    saved = os.environ.get("PATH")
    os.environ["PATH"] = VENV_BIN
    logger = logging.getLogger("instructlab.schema.taxonomy")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # its per-file logging is noise here
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        logger.setLevel(level)
        if saved is None:
            del os.environ["PATH"]
        else:
            os.environ["PATH"] = saved


def reference_ci_valid(parser: TaxonomyParser, file: Path) -> bool:
    """check-yaml.py's verdict: parser errors, then a non-empty attribution.txt."""
    try:
        taxonomy = parser.parse(file)
    except TaxonomyReadingException:
        return False  # the CI script crashes: the check fails
    if taxonomy.errors:
        return False
    if taxonomy.version > 1:
        attribution = file.with_name("attribution.txt")
        return attribution.is_file() and attribution.stat().st_size > 0
    return True


def reference_ilab_valid(parser: TaxonomyParser, file: Path) -> bool:
    """ilab's verdict: any parser error fails (it never reads attribution.txt)."""
    try:
        return parser.parse(file).errors == 0
    except TaxonomyReadingException:
        return False
