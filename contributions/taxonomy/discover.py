"""Finding qna.yaml files on disk and their place in the taxonomy, for batch validation."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .issues import Report, Severity, Source, issue
from .paths import TAXONOMY_ROOTS, TOP_LEVEL_FOLDERS, taxonomy_relative_path
from .policy import DEFAULT_POLICY, TaxonomyPolicy
from .validate import validate_path

__all__ = ["Found", "find_qna_files", "validate_found"]

_VCS_DIRS = frozenset({".git", ".hg", ".svn"})

QNA_NAMES = ("qna.yaml", "qna.yml")
# The taxonomy CI checks every YAML file under these folders and fails any not named qna.yaml.
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Found:
    """A file to validate: where it is on disk and where it is in the taxonomy."""

    file: Path
    taxonomy_path: str


def _starts_in_taxonomy(rel: str) -> bool:
    return rel.split("/", 1)[0] in TOP_LEVEL_FOLDERS


def _checked_by_ci(rel: str) -> bool:
    return rel.split("/", 1)[0] in TAXONOMY_ROOTS


def _relative_to(file: Path, root: Path) -> str | None:
    try:
        return file.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


def _place(file: Path, base: Path | None, root: Path | None) -> str:
    """The taxonomy path of ``file``.

    In order: relative to an explicit ``root``; relative to the directory argument the
    file was found under (from its first top-level taxonomy folder on); relative to the
    nearest enclosing git checkout; else from the first top-level folder in its path.
    """
    if root is not None and (rel := _relative_to(file, root)) is not None:
        return rel
    if base is not None and (rel := _relative_to(file, base)) is not None:
        rel = taxonomy_relative_path(rel)
        if _starts_in_taxonomy(rel):
            return rel
    absolute = file.resolve()
    for ancestor in absolute.parents:
        if (ancestor / ".git").exists():
            rel = absolute.relative_to(ancestor).as_posix()
            if _starts_in_taxonomy(rel):
                return rel
            break
    return taxonomy_relative_path(absolute)


def find_qna_files(
    paths: Iterable[str | Path], *, root: str | Path | None = None
) -> Iterator[Found]:
    """Each file argument as given, and every qna.yaml/qna.yml under each directory.

    Any other YAML file whose taxonomy path is under compositional_skills/ or knowledge/
    (say `movie_qna.yaml`) is yielded too: the taxonomy CI checks it and fails its name.
    Directories are walked in sorted order, skipping only version-control folders: a hidden
    folder such as `.local` inside a taxonomy is still checked, as the taxonomy CI would.
    A path that does not exist is yielded too, so it can be reported.
    """
    root_path = Path(root) if root is not None else None
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            yield Found(path, _place(path, None, root_path))
            continue
        for folder, dirs, files in os.walk(path):
            dirs[:] = sorted(d for d in dirs if d not in _VCS_DIRS)
            for name in sorted(files):
                if name not in QNA_NAMES and not name.endswith(YAML_SUFFIXES):
                    continue
                file = Path(folder) / name
                place = _place(file, path, root_path)
                if name in QNA_NAMES or _checked_by_ci(place):
                    yield Found(file, place)


def validate_found(found: Found, *, policy: TaxonomyPolicy = DEFAULT_POLICY) -> Report:
    """Validate one found file; a file that cannot be read becomes a failing report."""
    try:
        return validate_path(found.file, taxonomy_path=found.taxonomy_path, policy=policy)
    except OSError as exc:
        message = f"The file cannot be read: {exc.strerror or exc}."
        rule = "file.unreadable"
    except Exception as exc:
        message = f"The validator failed on this file: {type(exc).__name__}: {exc}"
        rule = "engine.error"
    return Report(
        path=str(found.file),
        issues=(issue(Severity.ERROR, Source.CI, rule, message),),
        ci_valid=False,
        ilab_valid=False,
    )
