"""The portal's configurable limits, so another taxonomy can use the same engine."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_LICENSES", "DEFAULT_POLICY", "TaxonomyPolicy"]

# The SPDX licences the InstructLab taxonomy accepts for contributed material.
DEFAULT_LICENSES: tuple[str, ...] = (
    "CC0-1.0",
    "CDLA-Permissive-2.0",
    "CC-BY-4.0",
    "CC-BY-SA-4.0",
    "Apache-2.0",
    "MIT",
)


# Bump when the engine's own rules change, so that open entries are checked again (the
# installed schema and yamllint versions count by themselves).
CHECKS_REVISION = 1


@dataclass(frozen=True)
class TaxonomyPolicy:
    """Portal policy knobs; the defaults follow the InstructLab taxonomy README and UI."""

    allowed_licenses: tuple[str, ...] = DEFAULT_LICENSES
    # Hard limit from the InstructLab UI: a knowledge seed example (context + its Q&A).
    max_seed_words: int = 750
    # Softer README guidance, reported as warnings.
    max_context_words: int = 500
    max_qa_words: int = 250
    max_skill_words: int = 2300
    # Bounds on untrusted input, far above any real qna.yaml (the largest known is ~30 KB
    # and ~550 YAML tokens; 50 seed examples of 20 Q&A each need ~12,000 tokens). Size
    # alone is not enough: 1 MB of "[1,1,1,..." is half a million tokens, and yamllint's
    # duplicate-key rule is quadratic in the keys of one mapping.
    max_file_bytes: int = 1024 * 1024
    max_yaml_tokens: int = 25_000
    # Reports keep this many issues (verdicts still count them all).
    max_issues: int = 500


DEFAULT_POLICY = TaxonomyPolicy()
