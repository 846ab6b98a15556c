"""QR codes as SVG data URIs (segno): the CSP allows ``img-src data:``."""

import segno


def checkin_qr_data_uri(url: str) -> str:
    """A QR code for a studio's check-in page, printable at any size."""
    return segno.make(url, error="m").svg_data_uri(scale=10, border=2, dark="#1d2230")
