"""Conversion of generated real documents: structure survives; hostile files are refused."""

from __future__ import annotations

import tracemalloc

import pytest

from contributions.conversion import ConversionError, Limits, convert

from . import documents


@pytest.mark.parametrize(
    ("filename", "make"),
    [
        ("guide.pdf", documents.make_pdf),
        ("guide.docx", documents.make_docx),
        ("guide.html", documents.make_html),
    ],
)
def test_headings_lists_tables_and_code_survive(filename, make):
    # given a three-page document with known structure
    data = make()

    # when
    markdown = convert(data, filename).markdown

    # then every heading, list item, table row and code line is there, as markdown
    assert documents.structure(markdown) == documents.expected()
    assert documents.TEXT in " ".join(markdown.split())


def test_a_presentation_keeps_its_slide_titles_bullets_and_tables():
    # given / when
    result = convert(documents.make_pptx(), "deck.pptx")

    # then
    found = documents.structure(result.markdown)
    assert found["list items"] == documents.expected()["list items"]
    assert found["table rows"] == documents.expected()["table rows"]
    assert result.markdown.count("## ") == documents.PAGES and result.pages == documents.PAGES


def test_a_web_page_loses_its_scripts_styles_and_navigation():
    # given / when
    markdown = convert(documents.make_html(1), "page.html").markdown

    # then
    assert "track()" not in markdown and "color:red" not in markdown
    assert "Home" not in markdown and "(c) 2026" not in markdown


def test_pdf_progress_is_reported_page_by_page():
    # given
    seen: list[tuple[int, int]] = []

    # when
    convert(documents.make_pdf(3), "a.pdf", progress=lambda done, total: seen.append((done, total)))

    # then
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_a_zip_bomb_docx_is_refused_before_it_is_unpacked():
    # given a 200 KB .docx that unpacks to 200 MB
    data = documents.make_zip_bomb_docx()
    assert len(data) < 1024 * 1024

    # when / then
    with pytest.raises(ConversionError, match="zip bomb"):
        convert(data, "bomb.docx")


def test_a_pdf_with_100000_pages_is_refused_quickly():
    # given
    data = documents.make_huge_page_count_pdf()

    # when
    tracemalloc.start()
    try:
        with pytest.raises(ConversionError, match="100,000 pages"):
            convert(data, "huge.pdf", limits=Limits(max_pages=300))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    # then it was refused from the page count: the list of 100,000 page references alone takes
    # about 24 MB here; building the pages as well would take far more
    assert peak < 48 * 1024 * 1024, peak


def test_an_encrypted_pdf_is_refused():
    # given / when / then
    with pytest.raises(ConversionError, match=r"password|encrypted"):
        convert(documents.make_pdf(1, password="secret"), "locked.pdf")


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "cannot be read"),
        ("broken.docx", b"PK\x03\x04 truncated", "not a readable Word"),
        ("broken.pptx", b"not a zip at all", "not a readable PowerPoint"),
        ("big.pdf", b"x" * 2048, "limit is"),
        ("photo.jpg", b"\xff\xd8\xff", "cannot be converted"),
    ],
)
def test_malformed_and_unsupported_files_are_refused_with_a_reason(filename, data, message):
    # given
    limits = Limits(max_bytes=1024)

    # when / then
    with pytest.raises(ConversionError, match=message):
        convert(data, filename, limits=limits if filename == "big.pdf" else None)
