"""One entry point: `convert(data, filename)` picks the converter by the file's extension."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from .guards import ConversionError, Limits, check_size, check_zip

Progress = Callable[[int, int], None]  # (done, total)

CONVERTIBLE: dict[str, str] = {
    ".pdf": "PDF",
    ".docx": "Word",
    ".pptx": "PowerPoint",
    ".html": "HTML",
    ".htm": "HTML",
    ".md": "markdown",
    ".markdown": "markdown",
}


@dataclass(frozen=True)
class Converted:
    markdown: str
    pages: int | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def kind_of(filename: str) -> str:
    """The extension that decides the converter ('.pdf'), or a ConversionError."""
    suffix = PurePosixPath(filename.lower()).suffix
    if suffix not in CONVERTIBLE:
        names = ", ".join(sorted(set(CONVERTIBLE.values())))
        raise ConversionError(f"Files of this kind cannot be converted; use {names} files.")
    return suffix


def tidy(markdown: str) -> str:
    """Trailing spaces off, at most one blank line in a row, one final newline."""
    lines = [line.rstrip() for line in markdown.replace("\r\n", "\n").split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return text + "\n" if text else ""


def convert(
    data: bytes, filename: str, *, limits: Limits | None = None, progress: Progress | None = None
) -> Converted:
    """Markdown from an uploaded file; raises ConversionError with a reason people understand."""
    limits = limits or Limits()
    suffix = kind_of(filename)
    check_size(data, limits)
    if suffix == ".pdf":
        from .pdf import pdf_to_markdown

        result = pdf_to_markdown(data, limits=limits, progress=progress)
    elif suffix in (".docx", ".pptx"):
        from .office import docx_to_markdown, pptx_to_markdown

        check_zip(data, limits, CONVERTIBLE[suffix])
        converter = docx_to_markdown if suffix == ".docx" else pptx_to_markdown
        result = converter(data)
    elif suffix in (".html", ".htm"):
        from .office import html_to_markdown

        result = Converted(html_to_markdown(_text(data)))
    else:
        result = Converted(_text(data))
    markdown = tidy(result.markdown)
    if not markdown.strip():
        raise ConversionError(
            "No text could be taken from this file (a scanned document has only images)."
        )
    return Converted(markdown, result.pages, result.notes)


def _text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ConversionError("This file is not text in a known encoding.")
