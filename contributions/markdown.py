"""Markdown to safe HTML: every document and comment a person writes is shown through this."""

from __future__ import annotations

import markdown as markdown_lib
import nh3

# No images (they would load from anywhere someone chose), nothing that runs or styles.
_TAGS = (nh3.ALLOWED_TAGS - {"img", "area", "map"}) | {"h1", "h2", "h3", "h4", "h5", "h6"}
_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
    "code": {"class"},
}
_SCHEMES = {"http", "https", "mailto"}
MAX_RENDER_CHARS = 500_000


def markdown_to_html(text: str) -> str:
    """Render markdown and sanitise the result: safe to put in a page as is."""
    html = markdown_lib.markdown(
        (text or "")[:MAX_RENDER_CHARS],
        extensions=["tables", "fenced_code", "sane_lists"],
        output_format="html",
    )
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
