"""Where a qna.yaml may live in a taxonomy, and what the portal lets folders be called."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from pathlib import PurePath, PurePosixPath
from typing import Any

from .issues import Issue, Severity, Source, issue

__all__ = [
    "QNA_FILENAME",
    "TAXONOMY_ROOTS",
    "TOP_LEVEL_FOLDERS",
    "check_new_folder_name",
    "check_taxonomy_path",
    "schema_name_for",
    "suggest_folder_name",
    "taxonomy_relative_path",
]

QNA_FILENAME = "qna.yaml"
# The folders the taxonomy CI checks; they double as the JSON schema names.
TAXONOMY_ROOTS: tuple[str, ...] = ("compositional_skills", "knowledge")
# Every top-level folder a taxonomy has; foundational_skills exists but is never checked.
TOP_LEVEL_FOLDERS: tuple[str, ...] = (*TAXONOMY_ROOTS, "foundational_skills")

_SEGMENT = re.compile(r"[A-Za-z0-9_.\-]+")
_NEW_FOLDER = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")
MAX_FOLDER_NAME = 64


def _parts(path: str | PurePath) -> tuple[str, ...]:
    # Accept Windows separators from uploads; the taxonomy itself is always POSIX.
    text = str(path).replace("\\", "/")
    return tuple(p for p in PurePosixPath(text).parts if p not in ("", "."))


def taxonomy_relative_path(path: str | PurePath) -> str:
    """The path from its top-level taxonomy folder on (``knowledge/...``), else as given.

    The left-most top-level folder name wins, so a folder called ``knowledge`` deeper
    inside the taxonomy does not cut the path short.
    """
    parts = _parts(path)
    for i, part in enumerate(parts):
        if part in TOP_LEVEL_FOLDERS:
            return "/".join(parts[i:])
    return "/".join(parts)


def schema_name_for(path: str | PurePath, contents: Mapping[str, Any] | None = None) -> str:
    """Pick the schema the way instructlab-schema does: the right-most root folder name.

    Outside both roots upstream guesses from the content: a ``document`` key means knowledge.
    """
    for part in reversed(_parts(path)):
        if part in TAXONOMY_ROOTS:
            return part
    if contents is not None and "document" in contents:
        return "knowledge"
    return "compositional_skills"


def check_taxonomy_path(path: str | PurePath) -> list[Issue]:
    """Check a qna.yaml path relative to the taxonomy root (``knowledge/x/y/qna.yaml``).

    To check a folder, pass ``folder + "/qna.yaml"``.
    """
    raw = str(path).replace("\\", "/")
    parts = _parts(raw)
    issues: list[Issue] = []
    if not parts or raw.startswith("/"):
        return [
            issue(
                Severity.ERROR,
                Source.PORTAL,
                "path.segment",
                "The path must be relative to the taxonomy, like knowledge/topic/qna.yaml.",
                path=raw,
            )
        ]
    if parts[0] not in TAXONOMY_ROOTS:
        if parts[0] == "foundational_skills":
            why = (
                "foundational_skills/ is maintained upstream and never checked by the taxonomy CI."
            )
        else:
            why = f"{parts[0]!r} is not a taxonomy folder."
        issues.append(
            issue(
                Severity.ERROR,
                Source.CI,
                "path.placement",
                f"Put the file under compositional_skills/ or knowledge/: {why}",
                field="path",
            )
        )
    if parts[-1] != QNA_FILENAME:
        issues.append(
            issue(
                Severity.ERROR,
                Source.CI,
                "file.name",
                f"The file must be named {QNA_FILENAME} (exactly, in lower case), "
                f"not {parts[-1]!r}.",
                field="path",
            )
        )
    for part in parts:
        if part == ".." or not _SEGMENT.fullmatch(part):
            hint = " Use underscores instead of spaces." if " " in part else ""
            issues.append(
                issue(
                    Severity.ERROR,
                    Source.PORTAL,
                    "path.segment",
                    f"The name {part!r} may only use letters, digits, '_', '-' and '.'.{hint}",
                    field="path",
                )
            )
    return issues


def suggest_folder_name(text: str) -> str:
    """Turn a title such as "Black Holes (astronomy)" into ``black_holes_astronomy``."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    return slug[:MAX_FOLDER_NAME].rstrip("_")


def check_new_folder_name(name: str) -> list[Issue]:
    """Strict check for a folder the portal is about to create: lowercase snake_case."""
    if _NEW_FOLDER.fullmatch(name) and len(name) <= MAX_FOLDER_NAME:
        return []
    suggestion = suggest_folder_name(name)
    hint = f" For example: {suggestion!r}." if suggestion and suggestion != name else ""
    return [
        issue(
            Severity.ERROR,
            Source.PORTAL,
            "path.folder-name",
            "New folder names use lowercase letters, digits and single underscores between "
            f"words (snake_case), at most {MAX_FOLDER_NAME} characters.{hint}",
            field="folder",
        )
    ]
