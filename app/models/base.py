"""Shared column helpers: UTC timestamps and role/enum columns stored as text."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, TypeDecorator, event, inspect


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on both databases (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def bump_sequence_on_change(model: type, *fields: str) -> None:
    """Raise ``model.sequence`` whenever an update changes one of ``fields``.

    Calendar apps keep a subscribed event until the feed shows it with a higher SEQUENCE
    (RFC 5545 §3.8.7.4); bumping it here, as the ORM writes the row, means no service can
    forget to. Bulk UPDATE statements bypass the ORM and must add it themselves.
    """

    def bump(_mapper, _connection, target) -> None:
        state = inspect(target)
        if any(state.attrs[name].history.has_changes() for name in fields):
            target.sequence = (target.sequence or 0) + 1

    event.listen(model, "before_update", bump)
