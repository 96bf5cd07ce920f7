"""Real documents made on the fly, each with known headings, list items, table rows and code.

`EXPECTED` is what every converter must keep; `structure()` measures what a markdown text kept.
"""

from __future__ import annotations

import io
import re
import zipfile

HEADINGS = ["Placement groups", "Pool settings", "Peering"]
ITEMS = [
    "pg_num sets the number of placement groups",
    "size sets the number of replicas",
    "min_size sets the replicas needed for I/O",
]
TABLE = [("Setting", "Default", "Meaning"), ("size", "3", "replicas"), ("min_size", "2", "for I/O")]
CODE = ["ceph osd pool create rbd 128", "ceph osd pool set rbd size 3"]
TEXT = (
    "Objects are hashed into placement groups, and CRUSH maps each placement group to an "
    "ordered list of OSDs, the acting set. The first OSD in the acting set is the primary."
)
PAGES = 3


def expected(pages: int = PAGES) -> dict[str, int]:
    return {
        "headings": pages * len(HEADINGS),
        "list items": pages * len(ITEMS),
        "table rows": pages * len(TABLE),
        "code lines": pages * len(CODE),
    }


def structure(markdown: str) -> dict[str, int]:
    """How many of the known headings, items, table rows and code lines the markdown has."""
    lines = markdown.splitlines()
    fenced, inside = [], False
    for line in lines:
        if line.startswith("```"):
            inside = not inside
        elif inside:
            fenced.append(line.strip())
    headings = sum(1 for line in lines for h in HEADINGS if re.fullmatch(rf"#+ (.*: )?{h}", line))
    items = sum(
        1 for line in lines for i in ITEMS if re.fullmatch(rf"(-|\d+\.) {re.escape(i)}", line)
    )
    rows = sum(
        1
        for line in lines
        for row in TABLE
        if re.fullmatch(r"\|\s*" + r"\s*\|\s*".join(map(re.escape, row)) + r"\s*\|", line)
    )
    code = sum(1 for line in fenced for c in CODE if line == c)
    return {"headings": headings, "list items": items, "table rows": rows, "code lines": code}


def make_pdf(pages: int = PAGES, *, password: str = "") -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    if password:
        pdf.set_encryption(owner_password=password + "-owner", user_password=password)
    for page in range(1, pages + 1):
        pdf.add_page()
        pdf.set_font("Helvetica", "B", 20)
        pdf.cell(0, 12, f"{page}: {HEADINGS[0]}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 11)
        pdf.multi_cell(0, 6, TEXT, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "B", 14)
        pdf.cell(0, 10, HEADINGS[1], new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 11)
        for item in ITEMS:
            pdf.cell(0, 6, "- " + item, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        with pdf.table() as table:
            for row in TABLE:
                cells = table.row()
                for value in row:
                    cells.cell(value)
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 14)
        pdf.cell(0, 10, HEADINGS[2], new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Courier", "", 10)
        pdf.multi_cell(0, 5, "\n".join(CODE), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def make_docx(pages: int = PAGES) -> bytes:
    from docx import Document

    document = Document()
    for page in range(1, pages + 1):
        document.add_heading(f"{page}: {HEADINGS[0]}", 1)
        document.add_paragraph(TEXT)
        document.add_heading(HEADINGS[1], 2)
        for item in ITEMS:
            document.add_paragraph(item, style="List Bullet")
        table = document.add_table(rows=len(TABLE), cols=len(TABLE[0]))
        for r, row in enumerate(TABLE):
            for c, value in enumerate(row):
                table.rows[r].cells[c].text = value
        document.add_heading(HEADINGS[2], 2)
        for line in CODE:
            document.add_paragraph().add_run(line).font.name = "Courier New"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_pptx(pages: int = PAGES) -> bytes:
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    for page in range(1, pages + 1):
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = f"{page}: {HEADINGS[0]}"
        body = slide.placeholders[1].text_frame
        body.text = ITEMS[0]
        for item in ITEMS[1:]:
            body.add_paragraph().text = item
        table = slide.shapes.add_table(len(TABLE), 3, Inches(1), Inches(5), Inches(6), Inches(1))
        for r, row in enumerate(TABLE):
            for c, value in enumerate(row):
                table.table.cell(r, c).text = value
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def make_html(pages: int = PAGES) -> bytes:
    parts = ["<html><head><style>h1{color:red}</style><script>track()</script></head><body>"]
    parts.append("<nav><a href='/'>Home</a></nav><main>")
    for page in range(1, pages + 1):
        parts.append(f"<h1>{page}: {HEADINGS[0]}</h1><p>{TEXT}</p><h2>{HEADINGS[1]}</h2><ul>")
        parts += [f"<li>{item}</li>" for item in ITEMS]
        parts.append("</ul><table><thead><tr>")
        parts += [f"<th>{v}</th>" for v in TABLE[0]]
        parts.append("</tr></thead><tbody>")
        for row in TABLE[1:]:
            parts.append("<tr>" + "".join(f"<td>{v}</td>" for v in row) + "</tr>")
        parts.append(f"</tbody></table><h2>{HEADINGS[2]}</h2><pre><code>")
        parts.append("\n".join(CODE) + "</code></pre>")
    parts.append("</main><footer>(c) 2026</footer></body></html>")
    return "".join(parts).encode("utf-8")


def make_zip_bomb_docx() -> bytes:
    """A .docx whose document part unpacks to 200 MB of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(200):
                part.write(chunk)
    return buffer.getvalue()


def make_huge_page_count_pdf(pages: int = 100_000) -> bytes:
    """A small, valid PDF whose page tree holds `pages` (identical, empty) pages."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count %d /Kids [%s] >>"
        % (pages, b" ".join(b"3 0 R" for _ in range(pages))),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()
