"""Converting uploaded documents (PDF, DOCX, PPTX, HTML) to clean markdown.

Pure code: bytes in, markdown out, with limits checked before any parser expands the file.

- `guards`: size, page and archive limits; encrypted and malformed files refused.
- `pdf`: a layout pass over pdfplumber (headings by font size, code by monospace font,
  tables by pdfplumber's table finder, lists by their bullets).
- `office`: DOCX through mammoth, PPTX through python-pptx, HTML through markdownify.
"""

from .convert import CONVERTIBLE, ConversionError, Converted, Limits, convert

__all__ = ["CONVERTIBLE", "ConversionError", "Converted", "Limits", "convert"]
