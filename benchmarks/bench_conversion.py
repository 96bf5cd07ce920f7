"""Measure what document conversion keeps: headings, list items, table rows, code lines.

Run from the repository root:  .venv/bin/python benchmarks/bench_conversion.py [--pages 10]

Each document is generated with known structure (tests/conversion/documents.py): a multi-page
PDF, a DOCX, a PPTX and an HTML page. For PDF, the portal's converter (a layout pass over
pdfplumber) is compared with pdfminer's plain text extraction, the base of general converters
such as markitdown's PDF support. Exits non-zero unless the portal's converter keeps
everything it is expected to keep.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from contributions.conversion import convert  # noqa: E402
from tests.conversion import documents  # noqa: E402

KINDS = ("headings", "list items", "table rows", "code lines")


def _plain_pdf_text(data: bytes) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(io.BytesIO(data))


def _row(name: str, found: dict[str, int], wanted: dict[str, int], seconds: float) -> str:
    cells = [f"{found[k]}/{wanted[k]}" for k in KINDS]
    return f"| {name} | " + " | ".join(cells) + f" | {seconds * 1000:.0f} ms |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10)
    args = parser.parse_args()
    wanted = documents.expected(args.pages)
    makers = {
        "PDF": ("guide.pdf", documents.make_pdf),
        "DOCX": ("guide.docx", documents.make_docx),
        "HTML": ("guide.html", documents.make_html),
        "PPTX": ("deck.pptx", documents.make_pptx),
    }
    print(f"# What conversion keeps ({args.pages} pages or slides of known structure)\n")
    print("| converter | " + " | ".join(KINDS) + " | time |")
    print("| --- | " + " | ".join("---" for _ in KINDS) + " | --- |")
    complete = True
    for label, (filename, make) in makers.items():
        data = make(args.pages)
        started = time.perf_counter()
        markdown = convert(data, filename).markdown
        seconds = time.perf_counter() - started
        found = documents.structure(markdown)
        expected = dict(wanted)
        if label == "PPTX":  # slides carry titles, bullets and tables; no code in this deck
            expected.update({"headings": args.pages, "code lines": 0})
            found["headings"] = markdown.count("\n## ") + markdown.startswith("## ")
        complete &= found == expected
        print(_row(f"portal, {label}", found, expected, seconds))
        if label == "PDF":
            started = time.perf_counter()
            plain = _plain_pdf_text(data)
            seconds = time.perf_counter() - started
            print(_row("pdfminer plain text", documents.structure(plain), wanted, seconds))
    print("\nportal converter keeps everything expected:", "yes" if complete else "NO")
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
