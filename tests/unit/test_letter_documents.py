"""Letters sent as DOCX or PDF reach the importer as the text a clerk would paste."""

from __future__ import annotations

import io

import pytest
from docx import Document

from services.directives.adapters.documents import DOCX, PDF, TEXT, letter_text
from shared.errors import InvalidField


def _docx() -> bytes:
    doc = Document()
    doc.add_paragraph("Số: 215/SXD-VP")
    doc.add_paragraph("Giao Văn phòng Sở tổng hợp, báo cáo trước ngày 15/7/2020.")
    table = doc.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ("1", "Kiểm tra", "Thanh tra Sở"), strict=True):
        cell.text = text
    doc.add_paragraph("Nơi nhận:")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _pdf(text: str) -> bytes:
    """A one-page PDF with a text layer (Helvetica, ASCII), offsets computed."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_docx_paragraphs_and_table_rows_in_order() -> None:
    lines = letter_text(_docx(), DOCX).splitlines()
    assert lines == [
        "Số: 215/SXD-VP",
        "Giao Văn phòng Sở tổng hợp, báo cáo trước ngày 15/7/2020.",
        "1\tKiểm tra\tThanh tra Sở",
        "Nơi nhận:",
    ]


def test_pdf_text_layer() -> None:
    assert "So: 84/KH-UBND" in letter_text(_pdf("So: 84/KH-UBND"), PDF)


def test_plain_text_and_media_type_parameters() -> None:
    assert letter_text("Số: 1/SXD".encode(), f"{TEXT}; charset=utf-8") == "Số: 1/SXD"


@pytest.mark.parametrize(
    ("data", "media", "says"),
    [
        (b"not a zip", DOCX, "cannot read"),
        (b"%PDF-1.4 broken", PDF, "cannot read"),
        (_pdf(""), PDF, "no text layer"),
        (b"x", "image/png", "unsupported media type"),
    ],
)
def test_unreadable_documents_are_refused_by_name(data: bytes, media: str, says: str) -> None:
    with pytest.raises(InvalidField) as caught:
        letter_text(data, media)
    assert caught.value.field == "document" and says in str(caught.value)
