"""The text of a letter sent as a file: DOCX (python-docx) or PDF with a text layer (pypdf).

The importer reads plain text; a DOCX's paragraphs and table rows (cells joined by tabs,
as copy-paste gives them) come out in document order, a PDF's pages one after another.
A scanned PDF has no text layer: refused with a message, never guessed from images.
"""

from __future__ import annotations

import io
import zipfile

from docx import Document
from docx.table import Table
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from shared.errors import InvalidField

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
TEXT = "text/plain"
MEDIA_TYPES = (DOCX, PDF, TEXT)
MAX_DOCUMENT_BYTES = 10_000_000


def letter_text(data: bytes, media_type: str) -> str:
    """Plain text of a document; InvalidField ("document") when it cannot be read."""
    kind = media_type.split(";")[0].strip().lower()
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InvalidField(f"document larger than {MAX_DOCUMENT_BYTES} bytes", "document")
    try:
        if kind == DOCX:
            text = _docx(data)
        elif kind == PDF:
            text = _pdf(data)
        elif kind == TEXT:
            text = data.decode("utf-8-sig")  # Notepad writes a BOM
        else:
            known = ", ".join(MEDIA_TYPES)
            raise InvalidField(f"unsupported media type {kind!r} (known: {known})", "document")
    except (zipfile.BadZipFile, KeyError, ValueError, PdfReadError) as exc:
        raise InvalidField(f"cannot read the {kind} document: {exc}", "document") from None
    if not text.strip():
        detail = " (a scanned PDF has no text layer)" if kind == PDF else ""
        raise InvalidField(f"the document holds no text{detail}", "document")
    return text


def _docx(data: bytes) -> str:
    lines: list[str] = []
    for block in Document(io.BytesIO(data)).iter_inner_content():
        if isinstance(block, Table):
            lines += ["\t".join(cell.text for cell in row.cells) for row in block.rows]
        else:
            lines.append(block.text)
    return "\n".join(lines)


def _pdf(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)
