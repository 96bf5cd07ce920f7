"""DOCX (mammoth), PPTX (python-pptx) and HTML (markdownify) to markdown."""

from __future__ import annotations

import io
import re

from bs4 import BeautifulSoup
from markdownify import markdownify

from .convert import Converted
from .guards import ConversionError

_MONOSPACE = re.compile(r"courier|mono|consol|menlo|source code|lucida console", re.I)
# Word styles people use for code, and the style our transform gives monospace paragraphs.
_STYLE_MAP = "\n".join(
    f"p[style-name='{name}'] => pre:separator('\\n')"
    for name in ("Code", "Code Block", "HTML Preformatted", "Source Code", "Preformatted Text")
)
# Parts of a web page that are not its text.
_NOT_CONTENT = ("script", "style", "noscript", "nav", "header", "footer", "form", "iframe", "svg")


def _markdown(html: str) -> str:
    return markdownify(
        html,
        heading_style="ATX",
        bullets="-",
        table_infer_header=True,
        strip=["img"],
        escape_underscores=False,
        escape_asterisks=False,
    )


def _monospace_as_code(paragraph):  # mammoth's document model
    runs = [r for r in paragraph.children if hasattr(r, "font")]
    if runs and all(r.font and _MONOSPACE.search(r.font) for r in runs):
        return paragraph.copy(style_name="Code Block", style_id="CodeBlock")
    return paragraph


def docx_to_markdown(data: bytes) -> Converted:
    import mammoth

    try:
        result = mammoth.convert_to_html(
            io.BytesIO(data),
            style_map=_STYLE_MAP,
            transform_document=mammoth.transforms.paragraph(_monospace_as_code),
        )
    except Exception as error:  # mammoth raises many kinds on a damaged file
        raise ConversionError("This Word file cannot be read; is it a .docx file?") from error
    return Converted(_markdown(result.value))


def html_to_markdown(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(_NOT_CONTENT):
        tag.decompose()
    body = soup.find("main") or soup.find("article") or soup.body or soup
    return _markdown(str(body))


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _table(rows: list[list[str]]) -> str:
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    lines = ["| " + " | ".join(_cell(c) for c in rows[0]) + " |"]
    lines.append("| " + " | ".join("---" for _ in range(width)) + " |")
    lines += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows[1:]]
    return "\n".join(lines)


def pptx_to_markdown(data: bytes) -> Converted:
    from pptx import Presentation
    from pptx.exc import PackageNotFoundError

    try:
        deck = Presentation(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as error:
        raise ConversionError("This PowerPoint file cannot be read; is it a .pptx?") from error
    parts: list[str] = []
    for number, slide in enumerate(deck.slides, start=1):
        title_shape = slide.shapes.title
        title = title_shape.text_frame.text.strip() if title_shape is not None else ""
        parts.append(f"## {title or f'Slide {number}'}")
        for shape in slide.shapes:
            if shape is title_shape:
                continue
            if getattr(shape, "has_table", False) and shape.has_table:
                rows = [[c.text for c in row.cells] for row in shape.table.rows]
                parts.append(_table(rows))
            elif shape.has_text_frame:
                bulleted = shape.is_placeholder
                lines = []
                for paragraph in shape.text_frame.paragraphs:
                    text = "".join(run.text for run in paragraph.runs).strip()
                    if not text:
                        continue
                    if bulleted:
                        lines.append("  " * paragraph.level + "- " + text)
                    else:
                        lines.append(text)
                if lines:
                    parts.append("\n".join(lines))
    return Converted("\n\n".join(parts), pages=len(deck.slides))
