"""A student's portfolio as an A4 PDF (WeasyPrint, Noto Sans CJK SC), the same sections
as the page, in the reader's language."""

from app.exports.kit import pdf_bytes
from app.services.portfolio import Portfolio


def portfolio_pdf(view: Portfolio, locale: str, **labels) -> bytes:
    """``labels``: the code → label maps the page's template uses (awards, levels…)."""
    context = {"p": view, "locale": locale, **labels}
    return pdf_bytes("portfolio/pdf.html", context, locale=locale)
