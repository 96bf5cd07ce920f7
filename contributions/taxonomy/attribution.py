"""Reading ``attribution.txt`` leniently and checking it against portal policy.

Real attribution files vary a lot ("License: Apache-2.0", "Creators name: ..."), so
reading accepts the common label variants; checking is strict about what a reviewer needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from .entries import Attribution
from .issues import Issue, Severity, Source, issue
from .policy import DEFAULT_POLICY, TaxonomyPolicy
from .render import ATTRIBUTION_LABELS

__all__ = ["ParsedAttribution", "attribution_issues", "parse_attribution"]

_FILE = "attribution.txt"

# Label variants seen in real taxonomies, normalised (lower case, single spaces).
_LABELS: dict[str, str] = {
    "title of work": "title",
    "title of the work": "title",
    "title": "title",
    "link to work": "link",
    "link to the work": "link",
    "link to source": "link",
    "link": "link",
    "source": "link",
    "url": "link",
    "revision": "revision",
    "license of the work": "license",
    "licence of the work": "license",
    "license of work": "license",
    "license": "license",
    "licence": "license",
    "creator names": "creators",
    "creator name": "creators",
    "creators name": "creators",
    "creators names": "creators",
    "creators": "creators",
    "creator": "creators",
}
_LABEL_OF = dict(ATTRIBUTION_LABELS)


@dataclass(frozen=True)
class ParsedAttribution:
    """The attribution read from text, and the lines that could not be understood."""

    attribution: Attribution
    present: frozenset[str]
    unknown_lines: tuple[tuple[int, str], ...] = ()


def _decode(text: str | bytes) -> str:
    if isinstance(text, bytes):
        # CI only checks that the file exists; be forgiving and show what we can.
        text = text.decode("utf-8-sig", errors="replace")
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def parse_attribution(text: str | bytes) -> ParsedAttribution:
    """Read ``Label: value`` lines; the first occurrence of each field wins."""
    values: dict[str, str] = {}
    unknown: list[tuple[int, str]] = []
    for number, raw in enumerate(_decode(text).split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        label, sep, value = line.partition(":")
        name = _LABELS.get(" ".join(label.replace("_", " ").split()).lower()) if sep else None
        if name is None:
            unknown.append((number, line))
        elif name not in values:
            values[name] = value.strip()
    return ParsedAttribution(
        attribution=Attribution(**values),
        present=frozenset(k for k, v in values.items() if v),
        unknown_lines=tuple(unknown),
    )


def _is_web_address(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _licence_hint(value: str, allowed: tuple[str, ...]) -> str:
    """Suggest the SPDX id someone probably meant ("Apache 2.0" -> "Apache-2.0")."""
    squashed = re.sub(r"[^a-z0-9]", "", value.lower())
    for spdx in allowed:
        if re.sub(r"[^a-z0-9]", "", spdx.lower()) == squashed:
            return f" Did you mean {spdx!r}?"
    return ""


def attribution_issues(
    text: str | bytes, *, policy: TaxonomyPolicy = DEFAULT_POLICY
) -> list[Issue]:
    """Portal policy for attribution.txt: every field present and an accepted licence."""
    parsed = parse_attribution(text)
    found: list[Issue] = []
    for field_name, label in ATTRIBUTION_LABELS:
        if field_name not in parsed.present:
            found.append(
                issue(
                    Severity.ERROR,
                    Source.PORTAL,
                    "attribution.field-missing",
                    f"attribution.txt needs a '{label}:' line with a value.",
                    field=f"attribution.{field_name}",
                    path=_FILE,
                )
            )
    licence = parsed.attribution.license
    if licence and licence not in policy.allowed_licenses:
        found.append(
            issue(
                Severity.ERROR,
                Source.PORTAL,
                "attribution.license",
                f"{licence!r} is not an accepted licence. Use one of these SPDX ids: "
                f"{', '.join(policy.allowed_licenses)}."
                + _licence_hint(licence, policy.allowed_licenses),
                field="attribution.license",
                path=_FILE,
            )
        )
    link = parsed.attribution.link
    if link and not _is_web_address(link):
        found.append(
            issue(
                Severity.WARNING,
                Source.PORTAL,
                "attribution.link",
                f"'{_LABEL_OF['link']}' should be a web address (https://...), not {link!r}.",
                field="attribution.link",
                path=_FILE,
            )
        )
    for number, line in parsed.unknown_lines:
        found.append(
            issue(
                Severity.WARNING,
                Source.PORTAL,
                "attribution.unknown-line",
                f"This line is not one of the attribution fields: {line[:80]!r}.",
                line=number,
                path=_FILE,
            )
        )
    return found
