"""Template helpers of the contributor pages."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from contributions.markdown import markdown_to_html
from contributions.taxonomy.words import count_words

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    """Markdown rendered and sanitised (see contributions.markdown)."""
    return mark_safe(markdown_to_html(text))  # noqa: S308 - sanitised by nh3


@register.filter
def words(text: str) -> int:
    return count_words(text)


@register.filter
def get_item(mapping, key):
    """mapping[key], or an empty list when there is none (for issue lists by field)."""
    if not mapping:
        return []
    return mapping.get(key, [])


@register.filter
def paragraphs(text: str) -> list[str]:
    """Hard-wrapped text (like the DCO) as paragraphs: indented lines continue the one above."""
    result: list[str] = []
    new_paragraph = True
    for line in (text or "").splitlines():
        if not line.strip():
            new_paragraph = True
        elif new_paragraph or not line.startswith((" ", "\t")):
            result.append(line.strip())
            new_paragraph = False
        else:
            result[-1] = f"{result[-1]} {line.strip()}"
    return result


@register.simple_tag
def editor_feedback(contribution) -> dict:
    """What reviewers and maintainers said about the revision the author is now changing.

    {"general": [...], "by_example": {number: [...]}}: comments located on one example (a
    reviewer's, or a maintainer's line comment on GitHub) are shown at that example.
    """
    from contributions.selectors.contributor import contribution_feedback

    revision = contribution.current_revision
    if revision is None:
        return {"general": [], "by_example": {}}
    general, by_example = [], {}
    for item in contribution_feedback(contribution=contribution):
        if item.revision != revision.number or item.decision == "approve":
            continue
        if item.seed_index is None:
            general.append(item)
        else:
            by_example.setdefault(item.seed_index + 1, []).append(item)
    return {"general": general, "by_example": by_example}
