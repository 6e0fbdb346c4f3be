"""Typography helpers for the Decree 30 layout (Appendix I of Decree 30/2020/NĐ-CP).

Decree 30 prescribes Times New Roman (Unicode, TCVN 6909:2001) throughout. Word picks
a run's font from four slots (ascii, hAnsi, eastAsia, cs), and a theme slot
("minorHAnsi") beats an explicit name, so setting `font.name` alone is not enough:
Vietnamese letters like "ư" or "ạ" may fall into another slot and print in Calibri.
`pin_fonts` sets every slot and removes the theme ones.
"""

from __future__ import annotations

from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.text.font import CT_RPr
from docx.shared import Mm, Pt
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

FONT = "Times New Roman"
_SLOTS = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")
_THEME_SLOTS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
# Word rejects properties whose children are out of schema order (ECMA-376 CT_PPr,
# CT_TblPr): the elements that must follow the ones we insert.
_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
    "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
    "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
    "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
    "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
    "w:pPrChange",
)  # fmt: skip
# CT_TrPr: what follows w:cantSplit, and what follows w:tblHeader.
_AFTER_CANTSPLIT = (
    "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins",
    "w:del", "w:trPrChange",
)  # fmt: skip
_AFTER_TBLHEADER = _AFTER_CANTSPLIT[2:]
_AFTER_TBLBORDERS = (
    "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
    "w:tblDescription", "w:tblPrChange",
)  # fmt: skip


def pin_fonts(rpr: CT_RPr) -> None:
    """Every font slot of a run-properties element to Times New Roman."""
    rfonts = rpr.get_or_add_rFonts()
    for slot in _THEME_SLOTS:
        if rfonts.get(qn(slot)) is not None:
            del rfonts.attrib[qn(slot)]
    for slot in _SLOTS:
        rfonts.set(qn(slot), FONT)


def setup(doc: Document) -> None:
    """A4, Decree 30 margins, Times New Roman 14 pt in every style and the defaults."""
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    for style in doc.styles:
        if style.type in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER, WD_STYLE_TYPE.TABLE):
            style.element.get_or_add_rPr()
    # Every rPr of styles.xml: the defaults, each style, and the conditional parts of
    # table styles (first row, banding), which name theme fonts of their own.
    for rpr in doc.styles.element.iter(qn("w:rPr")):
        if isinstance(rpr, CT_RPr):
            pin_fonts(rpr)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    pin_fonts(normal.element.get_or_add_rPr())
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(6), 1.0
    # No single line of a paragraph alone at the foot or the head of a page (Word's
    # default, but only when the style says so; LibreOffice honours it as 2 lines).
    fmt.widow_control = True


def run(
    paragraph: Paragraph,
    text: str,
    *,
    size: float = 14,
    bold: bool = False,
    italic: bool = False,
) -> Run:
    r = paragraph.add_run(text)
    r.font.name, r.font.size, r.bold, r.italic = FONT, Pt(size), bold, italic
    pin_fonts(r._r.get_or_add_rPr())
    return r


def para(
    container: Document | _Cell,
    text: str = "",
    *,
    size: float = 14,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
    indent: bool = False,
) -> Paragraph:
    p = _fresh_paragraph(container)
    p.alignment = align
    p.paragraph_format.space_after = Pt(0 if isinstance(container, _Cell) else 6)
    if indent:
        p.paragraph_format.first_line_indent = Mm(10)
    if text:
        run(p, text, size=size, bold=bold, italic=italic)
    return p


def rule(container: Document | _Cell, length_mm: float, width_mm: float) -> None:
    """The short horizontal line Decree 30 draws under the issuer, the motto and the
    summary: an empty paragraph with a bottom border, indented to the line's length."""
    p = _fresh_paragraph(container)
    fmt = p.paragraph_format
    fmt.left_indent = fmt.right_indent = Mm((width_mm - length_mm) / 2)
    fmt.space_after = Pt(6)
    fmt.line_spacing = Pt(2)
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "auto")):
        bottom.set(qn(name), value)
    border.append(bottom)
    p._p.get_or_add_pPr().insert_element_before(border, *_AFTER_PBDR)


def keep(paragraph: Paragraph, *, with_next: bool = True, together: bool = True) -> None:
    """Word's "keep with next" (this paragraph on the page of the next paragraph or
    table row) and "keep lines together" (the paragraph never split)."""
    fmt = paragraph.paragraph_format
    fmt.keep_with_next, fmt.keep_together = with_next, together


def row_flags(row: _Row, *, cant_split: bool = True, header: bool = False) -> None:
    """`w:cantSplit`: the row is never broken across two pages (the whole row moves
    to the next page instead). `w:tblHeader`: a header row, repeated at the top of
    every page the table spans; Word and LibreOffice repeat the run of marked rows at
    the top of the table, so a two-row header marks both."""
    trpr = row._tr.get_or_add_trPr()
    if cant_split and trpr.find(qn("w:cantSplit")) is None:
        trpr.insert_element_before(OxmlElement("w:cantSplit"), *_AFTER_CANTSPLIT)
    if header and trpr.find(qn("w:tblHeader")) is None:
        trpr.insert_element_before(OxmlElement("w:tblHeader"), *_AFTER_TBLHEADER)


def borderless(table: Table) -> None:
    """The header and signature blocks are laid out in a table nobody should see."""
    props = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    props.insert_element_before(borders, *_AFTER_TBLBORDERS)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER


def widths(table: Table, *mm: float) -> None:
    table.autofit = False
    # Word and LibreOffice lay a fixed table out from its grid, so set both.
    for col, width in zip(table._tbl.tblGrid.gridCol_lst, mm, strict=True):
        col.w = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, mm, strict=True):
            cell.width = Mm(width)


def _fresh_paragraph(container: Document | _Cell) -> Paragraph:
    """A new cell holds one empty paragraph: fill it rather than leave a blank line."""
    if isinstance(container, _Cell):
        paragraphs = container.paragraphs
        if len(paragraphs) == 1 and not paragraphs[0].runs:
            first: Paragraph = paragraphs[0]
            return first
    return container.add_paragraph()
