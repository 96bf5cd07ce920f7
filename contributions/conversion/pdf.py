"""PDF to markdown: a layout pass over pdfplumber's text lines and tables.

pdfplumber gives each character with its font and size. Lines set larger than the body text
become headings (the largest size `#`, the next `##`, ...), a short line all in bold becomes
the smallest heading; lines all in a monospace font become fenced code, with their
indentation; tables found by pdfplumber become markdown tables at their place on the page;
bulleted and numbered lines stay list items; other lines are joined into paragraphs.
"""

from __future__ import annotations

import io
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Any

from .convert import Converted, Progress
from .guards import ConversionError, Limits

_MONOSPACE = re.compile(r"courier|mono|consol|menlo|code", re.I)
_BOLD = re.compile(r"bold|black|heavy|semibold", re.I)
_BULLET = re.compile(r"^\s*(?:[\u2022\u25aa\u25cf\u25e6\u2013\u2014*-]|\d{1,3}[.)])\s+")
_NUMBERED = re.compile(r"^\s*(\d{1,3})[.)]\s+")


@dataclass
class _Line:
    text: str
    top: float
    bottom: float
    x0: float
    size: float
    mono: bool
    bold: bool
    table: str = ""  # a whole markdown table standing in for this "line"


def _open(data: bytes, limits: Limits) -> Any:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdftypes import resolve1

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as error:  # pdfminer raises many kinds on a damaged file
        causes = (error, *error.args, error.__context__)
        if any(isinstance(c, PDFPasswordIncorrect) for c in causes):
            raise ConversionError(
                "This PDF is protected by a password; upload an unprotected copy."
            ) from error
        raise ConversionError("This file cannot be read as a PDF.") from error
    if getattr(pdf.doc, "encryption", None):
        pdf.close()
        raise ConversionError("This PDF is encrypted; save an unencrypted copy and upload that.")
    try:
        count = int(resolve1(resolve1(pdf.doc.catalog["Pages"])["Count"]))
    except Exception as error:
        pdf.close()
        raise ConversionError("This PDF's page list cannot be read.") from error
    if count > limits.max_pages:
        pdf.close()
        raise ConversionError(
            f"This PDF has {count:,} pages; the limit is {limits.max_pages}. Upload the "
            "chapters your examples use."
        )
    return pdf


def _inside(obj: dict[str, Any], boxes: list[tuple[float, float, float, float]]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _table_markdown(rows: list[list[str | None]]) -> str:
    cleaned = [[" ".join((c or "").split()).replace("|", "\\|") for c in r] for r in rows if r]
    if not cleaned:
        return ""
    width = max(len(r) for r in cleaned)
    cleaned = [r + [""] * (width - len(r)) for r in cleaned]
    lines = ["| " + " | ".join(cleaned[0]) + " |", "| " + " | ".join(["---"] * width) + " |"]
    lines += ["| " + " | ".join(r) + " |" for r in cleaned[1:]]
    return "\n".join(lines)


def _page_lines(page: Any) -> list[_Line]:
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    text_page = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, boxes))
    lines = []
    for raw in text_page.extract_text_lines(return_chars=True, strip=False):
        chars = [c for c in raw["chars"] if c["text"].strip()]
        if not chars:
            continue
        lines.append(
            _Line(
                text=raw["text"].rstrip(),
                top=raw["top"],
                bottom=raw["bottom"],
                x0=raw["x0"],
                size=round(statistics.median(c["size"] for c in chars), 1),
                mono=all(_MONOSPACE.search(c["fontname"]) for c in chars),
                bold=all(_BOLD.search(c["fontname"]) for c in chars),
            )
        )
    for table in tables:
        x0, top, _, bottom = table.bbox
        lines.append(_Line("", top, bottom, x0, 0, False, False, _table_markdown(table.extract())))
    return sorted(lines, key=lambda line: line.top)


def _heading_levels(lines: list[_Line]) -> tuple[float, dict[float, int]]:
    weights: Counter[float] = Counter()
    for line in lines:
        if not line.table and not line.mono:
            weights[line.size] += len(line.text)
    body = weights.most_common(1)[0][0] if weights else 0.0
    larger = sorted({s for s in weights if s >= body * 1.15}, reverse=True)[:5]
    return body, {size: level for level, size in enumerate(larger, start=1)}


def _is_list(block: str) -> bool:
    last = block.rsplit("\n", 1)[-1]
    return last.startswith("- ") or bool(_NUMBERED.match(last))


def _render(pages: list[list[_Line]]) -> str:
    every = [line for page in pages for line in page]
    body, levels = _heading_levels(every)
    bold_level = min(len(levels) + 1, 6)
    out: list[str] = []
    paragraph: list[str] = []
    code: list[_Line] = []

    def flush_paragraph() -> None:
        if paragraph:
            out.append(" ".join(paragraph))
            paragraph.clear()

    def flush_code() -> None:
        if code:
            left = min(c.x0 for c in code)
            width = max(code[0].size * 0.6, 1)
            body_lines = [" " * round((c.x0 - left) / width) + c.text.strip() for c in code]
            out.append("```\n" + "\n".join(body_lines) + "\n```")
            code.clear()

    for page in pages:
        previous: _Line | None = None
        for line in page:
            gap = line.top - previous.bottom if previous else 0
            if line.table:
                flush_paragraph()
                flush_code()
                out.append(line.table)
            elif line.mono:
                flush_paragraph()
                code.append(line)
            else:
                flush_code()
                text = line.text.strip()
                if line.size in levels or (
                    line.bold and len(text) <= 80 and not _BULLET.match(text)
                ):
                    flush_paragraph()
                    level = levels.get(line.size, bold_level)
                    out.append("#" * level + " " + text)
                elif _BULLET.match(text):
                    flush_paragraph()
                    number = _NUMBERED.match(text)
                    item = _BULLET.sub("", text, count=1)
                    item = f"{number[1]}. {item}" if number else f"- {item}"
                    if out and _is_list(out[-1]) and previous is not None and previous.size:
                        out[-1] += "\n" + item  # one list, not a paragraph per item
                    else:
                        out.append(item)
                elif (
                    out and out[-1].startswith(("- ", "1. ")) and not paragraph and gap < body * 0.5
                ):
                    out[-1] += " " + text  # a list item wrapped onto the next line
                else:
                    if previous is not None and gap > body * 0.8:
                        flush_paragraph()
                    paragraph.append(text)
            previous = line
        flush_paragraph()
        flush_code()
    return "\n\n".join(out)


def pdf_to_markdown(data: bytes, *, limits: Limits, progress: Progress | None = None) -> Converted:
    pdf = _open(data, limits)
    try:
        total = len(pdf.pages)
        pages = []
        for number, page in enumerate(pdf.pages, start=1):
            try:
                pages.append(_page_lines(page))
            except Exception as error:
                raise ConversionError(f"Page {number} of this PDF cannot be read.") from error
            finally:
                page.close()
            if progress is not None:
                progress(number, total)
        return Converted(_render(pages), pages=total)
    finally:
        pdf.close()
