"""The form-model base: read a posted form, validate it with the shared field types, and
report failures as ``FormErrors`` (a translated message beside each field, HTTP 422).

A router receives a ``Submitted`` form: ``.values`` is what the person typed (re-shown
beside the errors), ``.valid()`` the typed model or ``FormErrors``::

    try:
        live = live_service.plan_session(session, ..., data=form.valid())
    except FormErrors as exc:
        return render(..., {"form": form.values, "errors": exc.errors}, status_code=422)
"""

import types
import typing
from collections.abc import Mapping
from typing import Annotated, Any, ClassVar, Generic, Self, TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError, model_validator

from app.errors import FormErrors
from app.i18n import N_
from app.i18n import lazy_gettext as _l
from app.schemas.fields import ERROR_TYPE, MAX_LIST

MAX_VALUE_CHARS = 100_000  # longer values are cut before validation reports them as too long

# Pydantic's own error types (a missing field, a wrong structure) in the product's words.
_BUILTIN_MESSAGES = {
    "missing": N_("This field is required."),
    "bool_parsing": N_("Choose yes or no."),
    "enum": N_("Choose one of the options."),
    "literal_error": N_("Choose one of the options."),
}


class FormValues(dict):
    """What a form sent, by field name, for re-showing it: ``values.theme`` or
    ``values.get("theme")``; a field that was not sent reads as ''."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self.get(name, "")


def _is_list(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _is_list(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return any(_is_list(arg) for arg in typing.get_args(annotation))
    return origin in (list, tuple, set)


def message_for(error: Mapping[str, Any]) -> Any:
    """The lazy, translated message of one pydantic error."""
    if error["type"] == ERROR_TYPE:
        ctx = error.get("ctx") or {}
        return _l(ctx["msgid"], **ctx.get("params", {}))
    return _l(_BUILTIN_MESSAGES.get(error["type"], N_("Check this field.")))


F = TypeVar("F", bound="FormModel")


class Submitted(Generic[F]):
    """A posted form: the raw values and, once asked, the typed model."""

    def __init__(self, model: type[F], values: FormValues) -> None:
        self.model = model
        self.values = values

    def valid(self) -> F:
        """The typed form, or FormErrors naming each bad field."""
        return self.model.parse(self.values)


class FormModel(BaseModel):
    """Base of every form: fields are declared with the types in ``app.schemas.fields``;
    a field's alias is its HTML input name when the two differ."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)
    list_fields: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls.list_fields = frozenset(
            name for name, info in cls.model_fields.items() if _is_list(info.annotation)
        )

    @model_validator(mode="before")
    @classmethod
    def _absent_is_blank(cls, data: Any) -> Any:
        """A field the browser did not send (an unticked checkbox, a disabled input) is
        blank, so its own type says what that means, instead of pydantic's 'missing'."""
        if not isinstance(data, Mapping):
            return data
        filled = dict(data)
        for name, info in cls.model_fields.items():
            if name not in filled and (info.alias or name) not in filled and info.is_required():
                filled[name] = [] if name in cls.list_fields else None
        return filled

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> Self:
        """Validate ``data`` (by field name or HTML name); FormErrors on failure."""
        try:
            form = cls.model_validate(dict(data))
        except ValidationError as exc:
            errors = errors_by_field(cls, exc)
            # the checks across fields still run on the fields that were valid, so that
            # every problem is shown at once
            partial = cls.model_construct(**cls._valid_fields(data, set(errors)))
            raise FormErrors({**partial.field_problems(), **errors}) from None
        problems = form.field_problems()
        if problems:
            raise FormErrors(problems)
        return form

    @classmethod
    def lenient(cls, data: Any) -> Self:
        """The model from a query string or other input nobody typed into a form: each
        invalid or missing value falls back to the field's default (for filters)."""
        values = cls.read(data)
        try:
            return cls.model_validate(dict(values))
        except ValidationError as exc:
            bad = set(errors_by_field(cls, exc))
            kept = {name: value for name, value in values.items() if name not in bad}
            try:
                return cls.model_validate(kept)
            except ValidationError:
                return cls.model_validate({})

    def field_problems(self) -> dict[str, Any]:
        """Checks across fields that need no database (an end after its start), as
        {field: message}. They also run when other fields are invalid: guard each check
        with ``self.has(...)`` for the fields it reads. Override where a form has any."""
        return {}

    def has(self, *names: str) -> bool:
        """Whether these fields hold valid values (always, once the whole form is valid)."""
        return all(name in self.__dict__ for name in names)

    @classmethod
    def _valid_fields(cls, data: Mapping[str, Any], invalid: set[str]) -> dict[str, Any]:
        filled = cls._absent_is_blank(data)
        values = {}
        for name, info in cls.model_fields.items():
            if name in invalid:
                continue
            raw = filled.get(name, filled.get(info.alias or name))
            try:
                values[name] = _adapter(cls, name).validate_python(raw)
            except ValidationError:
                continue
        return values

    @classmethod
    def read(cls, form: Any) -> FormValues:
        """The values of a posted form (a Starlette FormData or any multi-dict) by field
        name: repeated inputs as lists for list fields, otherwise the last one sent.
        Uploaded files are left to their own reader."""
        values = FormValues()
        for name, info in cls.model_fields.items():
            key = info.alias or name
            sent = [v[:MAX_VALUE_CHARS] for v in _getlist(form, key) if isinstance(v, str)]
            if name in cls.list_fields:
                values[name] = sent[: MAX_LIST + 1]
            elif sent:
                values[name] = sent[-1]
        return values

    @classmethod
    def submitted(cls, form: Any) -> "Submitted[Self]":
        return Submitted(cls, cls.read(form))

    @classmethod
    def initial(cls, **values: Any) -> FormValues:
        """Values to pre-fill a form with (edit pages), as the inputs show them: None is
        blank, list fields not given are empty lists."""
        filled = FormValues({name: [] for name in cls.list_fields})
        filled.update({k: "" if v is None else v for k, v in values.items()})
        return filled


_adapters: dict[tuple[type, str], TypeAdapter] = {}


def _adapter(model: type[BaseModel], name: str) -> TypeAdapter:
    key = (model, name)
    if key not in _adapters:
        info = model.model_fields[name]
        kind = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
        _adapters[key] = TypeAdapter(kind)
    return _adapters[key]


def _getlist(form: Any, key: str) -> list[Any]:
    if callable(getattr(type(form), "getlist", None)):  # a multi-dict (FormValues is not)
        return list(form.getlist(key))
    value = form.get(key) if isinstance(form, Mapping) else None
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def errors_by_field(model: type[BaseModel], exc: ValidationError) -> dict[str, Any]:
    """{field name: message}: the first problem of each field, keyed by the field's name
    (not its HTML alias) so templates look errors up by one name."""
    by_alias = {info.alias: name for name, info in model.model_fields.items() if info.alias}
    errors: dict[str, Any] = {}
    for error in exc.errors():
        loc = error.get("loc") or ("__all__",)
        field = str(loc[0])
        field = by_alias.get(field, field)
        errors.setdefault(field, message_for(error))
    return errors
