"""The rule list, read from the database on every check.

Not cached on purpose: a teacher's edit of a rule applies to the very next page, on
every worker, and a check reads one small table (about a hundred rows). Compiled
patterns are cached by their text in the checker, which cannot go stale.
"""

from sqlmodel import Session, select

from app.models.compliance import AdRule


def active_rules(session: Session) -> list[AdRule]:
    """The rules in force, in catalogue order."""
    return list(
        session.exec(
            select(AdRule).where(AdRule.is_active == True).order_by(AdRule.sort_order, AdRule.id)  # noqa: E712
        ).all()
    )


def category_labels(rules: list[AdRule]) -> dict[str, AdRule]:
    """One rule per category, to read the category's localised name from."""
    labels: dict[str, AdRule] = {}
    for rule in rules:
        labels.setdefault(rule.category, rule)
    return labels
