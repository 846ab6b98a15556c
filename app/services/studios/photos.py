"""A studio's photo: decoded with Pillow before it is kept, so only real PNG or JPEG
images of a sane size are ever served back."""

import io

from PIL import Image, UnidentifiedImageError
from sqlmodel import Session, select

from app.errors import FormErrors, NotFound
from app.i18n import lazy_gettext as _l
from app.models.studios import StudioPhoto
from app.services.studios import rooms

PHOTO_MAX_BYTES = 2 * 1024 * 1024
# 16 megapixels (e.g. 4000 x 4000) holds any phone photo that fits in 2 MB. A small file
# that claims more is a decompression bomb: decoding it would take gigabytes.
PHOTO_MAX_PIXELS = 16_000_000
PIXELS_MILLIONS = PHOTO_MAX_PIXELS // 1_000_000
PHOTO_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}
NOT_AN_IMAGE = _l("Upload a PNG or JPEG image.")


def _too_many_pixels() -> FormErrors:
    message = _l("The photo has too many pixels (at most %(n)s million).", n=PIXELS_MILLIONS)
    return FormErrors({"photo": message})


def image_type(data: bytes) -> str:
    """The content type of a PNG or JPEG that decodes completely; FormErrors otherwise."""
    try:
        # verify() reads every chunk and checksum. load() alone pads a cut-off file when
        # ImageFile.LOAD_TRUNCATED_IMAGES is set, and WeasyPrint sets it for the whole
        # process as soon as a PDF has been rendered.
        with Image.open(io.BytesIO(data), formats=tuple(PHOTO_FORMATS)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data), formats=tuple(PHOTO_FORMATS)) as image:
            width, height = image.size
            if width * height > PHOTO_MAX_PIXELS:
                raise _too_many_pixels()
            content_type = PHOTO_FORMATS[image.format]
            if image.format == "JPEG":  # decode every block, at 1/8 scale: 64x less memory
                image.draft(None, (max(1, width // 8), max(1, height // 8)))
            image.load()  # a forged, truncated or corrupt file fails here
    except Image.DecompressionBombError:  # beyond even Pillow's own MAX_IMAGE_PIXELS
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise FormErrors({"photo": NOT_AN_IMAGE}) from exc
    return content_type


def set_photo(session: Session, *, studio_id: int, data: bytes) -> None:
    """Store a PNG or JPEG photo (at most 2 MB and 16 megapixels) for a studio."""
    rooms.get_studio(session, studio_id=studio_id)
    if not data:
        raise FormErrors({"photo": _l("Choose a photo to upload.")})
    if len(data) > PHOTO_MAX_BYTES:
        raise FormErrors({"photo": _l("The photo must be at most 2 MB.")})
    content_type = image_type(data)
    photo = session.get(StudioPhoto, studio_id)
    if photo is None:
        photo = StudioPhoto(studio_id=studio_id, content_type=content_type, data=data)
    else:
        photo.content_type, photo.data = content_type, data
    session.add(photo)
    session.flush()


def get_photo(session: Session, *, studio_id: int) -> StudioPhoto:
    photo = session.get(StudioPhoto, studio_id)
    if photo is None:
        raise NotFound("This studio has no photo.")
    return photo


def studios_with_photo(session: Session) -> set[int]:
    return set(session.exec(select(StudioPhoto.studio_id)).all())
