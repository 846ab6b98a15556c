"""The printable certificate: a QR code (SVG) of the public verification URL and an A4
PDF rendered by WeasyPrint with the CJK font the server has (Noto Sans CJK SC)."""

import segno

from app.exports.kit import bilingual, pdf_bytes
from app.services import curriculum as curriculum_service
from app.services.certificates import AwardView


def verification_url(base_url: str, code: str) -> str:
    return base_url.rstrip("/") + f"/verify/{code}"


def qr_data_uri(url: str) -> str:
    """The QR code as an SVG data URI (the CSP allows ``img-src data:``)."""
    return segno.make(url, error="m").svg_data_uri(scale=6, border=2, dark="#1d2230")


def award_pdf(view: AwardView, *, url: str, locale: str) -> bytes:
    """The certificate, its level by name in Chinese and English ("五级（初级工） Level 5")."""
    levels = curriculum_service.CERT_LEVEL_LABELS
    level = view.award.level
    context = {
        "v": view,
        "url": url,
        "qr": qr_data_uri(url),
        "locale": locale,
        "level": bilingual(levels[level]) if level in levels else str(level),
    }
    return pdf_bytes("certificates/pdf.html", context, locale=locale)
