"""Column mappings: which header of a platform's export holds which result figure, and
the upload ``Layout`` each mapping reads a file with."""

from sqlalchemy import func
from sqlmodel import Session, select

from app.errors import FormErrors, NotFound
from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.models.platform_imports import PlatformImport, PlatformMapping
from app.schemas.base import FormValues
from app.schemas.platform_imports import RESULT_FIELDS, MappingForm
from app.services import uploads

NO_HEADER = N_(
    "No header row found: the first rows of the file name none of the columns this mapping "
    "expects. Check that you chose the mapping of the platform the file comes from."
)
NO_ROWS = N_("The file has a header row but no sessions. Export the sessions and upload again.")
TOO_MANY = N_("The file has more than %(max)s sessions. Split it into smaller files.")


def list_mappings(session: Session) -> list[PlatformMapping]:
    """Every mapping, by platform and name."""
    query = select(PlatformMapping).order_by(PlatformMapping.platform, PlatformMapping.name)
    return list(session.exec(query).all())


def get_mapping(session: Session, *, mapping_id: int) -> PlatformMapping:
    mapping = session.get(PlatformMapping, mapping_id)
    if mapping is None:
        raise NotFound("This column mapping does not exist.")
    return mapping


def _apply(session: Session, mapping: PlatformMapping, form: MappingForm) -> PlatformMapping:
    clash = session.exec(
        select(PlatformMapping.id).where(
            func.lower(PlatformMapping.name) == form.name.lower(),
            PlatformMapping.id != (mapping.id or 0),
        )
    ).first()
    if clash is not None:
        raise FormErrors({"name": _l("Another mapping has this name. Choose another name.")})
    mapping.platform, mapping.name = form.platform, form.name
    mapping.columns = form.columns()
    mapping.watch_time_unit, mapping.money_unit = form.watch_time_unit, form.money_unit
    session.add(mapping)
    session.flush()
    return mapping


def create_mapping(session: Session, *, form: MappingForm) -> PlatformMapping:
    """Save a new platform mapping (its name is unique)."""
    return _apply(session, PlatformMapping(platform=form.platform, name=form.name), form)


def update_mapping(session: Session, *, mapping_id: int, form: MappingForm) -> PlatformMapping:
    """Change a mapping; uploads already read with it keep their rows."""
    return _apply(session, get_mapping(session, mapping_id=mapping_id), form)


def delete_mapping(session: Session, *, mapping_id: int) -> None:
    """Remove a mapping; imports read with it keep their rows and its name."""
    session.delete(get_mapping(session, mapping_id=mapping_id))
    session.flush()


def mapping_form(mapping: PlatformMapping | None = None) -> FormValues:
    """A mapping as its form shows it (a new one: figures unmapped, seconds and yuan)."""
    if mapping is None:
        return MappingForm.initial(watch_time_unit="seconds", money_unit="yuan")
    return MappingForm.initial(
        platform=mapping.platform,
        name=mapping.name,
        watch_time_unit=mapping.watch_time_unit,
        money_unit=mapping.money_unit,
        **{name: mapping.columns.get(name, "") for name in RESULT_FIELDS},
    )


def imports_using(session: Session, *, mapping_id: int) -> int:
    """How many uploads were read with this mapping (said before deleting it)."""
    query = select(func.count()).where(PlatformImport.mapping_id == mapping_id)
    return session.exec(query).one()


def layout_of(mapping: PlatformMapping) -> uploads.Layout:
    """The upload layout of a mapping: each field's one header. The start column finds
    the header row; the other columns are checked afterwards, so that a file missing some
    of them is refused naming them all (``missing_columns``)."""
    return uploads.Layout(
        aliases={name: (header,) for name, header in mapping.columns.items()},
        required=frozenset({"actual_start"}),
        no_header=NO_HEADER,
        no_rows=NO_ROWS,
        too_many=TOO_MANY,
    )


def missing_columns(mapping: PlatformMapping, found: list[str]) -> list[str]:
    """The headers of the mapping the file's header row does not name."""
    return [header for name, header in mapping.columns.items() if name not in found]
