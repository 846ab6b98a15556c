"""The printable certificate: a QR code (SVG) of the public verification URL and an A4
PDF rendered by WeasyPrint with the CJK font the server has (Noto Sans CJK SC)."""

import segno

from app.services.certificates import AwardView


def verification_url(base_url: str, code: str) -> str:
    return base_url.rstrip("/") + f"/verify/{code}"


def qr_data_uri(url: str) -> str:
    """The QR code as an SVG data URI (the CSP allows ``img-src data:``)."""
    return segno.make(url, error="m").svg_data_uri(scale=6, border=2, dark="#1d2230")


def award_pdf(view: AwardView, *, url: str, locale: str) -> bytes:
    from weasyprint import HTML

    from app.i18n import locale_active
    from app.web import env

    with locale_active(locale):
        html = env.get_template("certificates/pdf.html").render(
            v=view, url=url, qr=qr_data_uri(url), locale=locale
        )
    return HTML(string=html).write_pdf()
