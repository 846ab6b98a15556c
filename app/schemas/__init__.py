"""Typed forms: field types (``fields``) and the form-model base (``base``).

Routers read a posted form with ``app.deps.FormOf(SomeForm)``; services receive the typed
``SomeForm`` and never parse text themselves."""

from app.schemas.base import FormModel, FormValues, Submitted
from app.schemas.fields import (
    Choice,
    Count,
    Flag,
    Id,
    IdList,
    Money,
    Number,
    OptionalCount,
    OptionalId,
    OptionalMoney,
    OptionalText,
    Text,
)
from app.schemas.times import HourMinute, LocalDate, LocalDateTime

__all__ = [
    "Choice",
    "Count",
    "Flag",
    "FormModel",
    "FormValues",
    "HourMinute",
    "Id",
    "IdList",
    "LocalDate",
    "LocalDateTime",
    "Money",
    "Number",
    "OptionalCount",
    "OptionalId",
    "OptionalMoney",
    "OptionalText",
    "Submitted",
    "Text",
]
