"""Where the shared corpus of real qna.yaml files is, and its reference verdicts.

The corpus lives beside the repository (``../shared/corpus``) and is never copied into
it; ``CEPHPORTAL_CORPUS`` points elsewhere when needed.
"""

from __future__ import annotations

import csv
import functools
import os
from pathlib import Path

from contributions.taxonomy import Report, validate_path

REPO_ROOT = Path(__file__).resolve().parents[2]


def corpus_dir() -> Path:
    override = os.environ.get("CEPHPORTAL_CORPUS")
    return Path(override) if override else REPO_ROOT.parent / "shared" / "corpus"


def _rows(name: str) -> list[dict[str, str]]:
    with (corpus_dir() / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


EXPECTED = _rows("EXPECTED.tsv")
EXPECTED_MODES = {row["path"]: row for row in _rows("EXPECTED-modes.tsv")}
VALID_PATHS = [row["path"] for row in EXPECTED if row["valid"] == "yes"]


@functools.cache
def corpus_report(rel: str) -> Report:
    """Validate a corpus file once per test session; attribution is read beside it."""
    return validate_path(corpus_dir() / rel)
