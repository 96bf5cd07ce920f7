"""Content quality checks, beyond the schema: grounding and near-duplicates.

Pure code, no ORM and no settings: the portal (services/quality.py) passes in the entry, its
documents, the thresholds and an index of the texts to compare with.

- `text`: words and plain text, with markdown and wrapping taken out.
- `grounding`: how much of an answer its passage supports; where a passage is in the documents.
- `near`: MinHash signatures and a banded LSH index for near-duplicate search.
- `checks`: every finding for one entry, located at its field, with its evidence.
"""

from .checks import Finding, Thresholds, entry_findings
from .near import IndexItem, NearIndex

__all__ = ["Finding", "IndexItem", "NearIndex", "Thresholds", "entry_findings"]
