"""The taxonomy engine: entries to qna.yaml and back, and InstructLab-identical validation.

Pure Python, no Django. Everything a form, a task or a command needs is importable
from here:

- entries: ``SkillEntry``, ``SkillSeed``, ``KnowledgeEntry``, ``KnowledgeSeed``, ``QAPair``,
  ``DocumentRef``, ``Attribution`` (``to_dict``/``from_dict``; ``entry_from_dict``)
- rendering: ``render_qna(entry)``, ``render_attribution(attribution)``
- import: ``import_qna(data, attribution_text=..., path=...)`` -> ``ImportResult``,
  raising ``TaxonomyImportError``
- validation: ``validate_entry``, ``validate_file``, ``validate_path`` -> ``Report`` of
  ``Issue`` (severity, source, rule, message, ``Location``)
- paths and words: ``check_taxonomy_path``, ``check_new_folder_name``,
  ``suggest_folder_name``, ``count_words``
- configuration: ``TaxonomyPolicy`` (``DEFAULT_POLICY``)
"""

from .attribution import parse_attribution
from .entries import (
    Attribution,
    DocumentRef,
    Entry,
    KnowledgeEntry,
    KnowledgeSeed,
    QAPair,
    SkillEntry,
    SkillSeed,
    entry_from_dict,
)
from .importer import ImportResult, TaxonomyImportError, import_qna
from .issues import RULES, Issue, Location, Report, Severity, Source
from .lines import field_at_line
from .paths import (
    TAXONOMY_ROOTS,
    TOP_LEVEL_FOLDERS,
    check_new_folder_name,
    check_taxonomy_path,
    suggest_folder_name,
    taxonomy_relative_path,
)
from .policy import CHECKS_REVISION, DEFAULT_LICENSES, DEFAULT_POLICY, TaxonomyPolicy
from .render import render_attribution, render_qna
from .validate import validate_entry, validate_file, validate_path
from .words import count_words

__all__ = [
    "CHECKS_REVISION",
    "DEFAULT_LICENSES",
    "DEFAULT_POLICY",
    "RULES",
    "TAXONOMY_ROOTS",
    "TOP_LEVEL_FOLDERS",
    "Attribution",
    "DocumentRef",
    "Entry",
    "ImportResult",
    "Issue",
    "KnowledgeEntry",
    "KnowledgeSeed",
    "Location",
    "QAPair",
    "Report",
    "Severity",
    "SkillEntry",
    "SkillSeed",
    "Source",
    "TaxonomyImportError",
    "TaxonomyPolicy",
    "check_new_folder_name",
    "check_taxonomy_path",
    "count_words",
    "entry_from_dict",
    "field_at_line",
    "import_qna",
    "parse_attribution",
    "render_attribution",
    "render_qna",
    "suggest_folder_name",
    "taxonomy_relative_path",
    "validate_entry",
    "validate_file",
    "validate_path",
]
