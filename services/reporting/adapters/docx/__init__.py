"""The annual report as a Decree 30 DOCX (python-docx): an output adapter, not a rule."""

from services.reporting.adapters.docx.report import write_docx

__all__ = ["write_docx"]
