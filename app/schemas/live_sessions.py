"""Forms of a team's live sessions: the plan and the result of the broadcast (the review's
form is in app.schemas.reviews)."""

from typing import Any

from pydantic import Field

from app.i18n import lazy_gettext as _l
from app.schemas.base import FormModel
from app.schemas.fields import (
    Count,
    Flag,
    Money,
    OptionalCount,
    OptionalId,
    OptionalMoney,
    Text,
    clean_text,
    row_id_or_none,
    yuan_to_fen,
)
from app.schemas.times import LocalDateTime

MAX_MINUTES = 24 * 60
MAX_PRODUCTS = 30


class PlanForm(FormModel):
    """Theme, time, target, account, studio booking, products (name + price rows) and
    the members' roles (member + post rows)."""

    theme: Text(200, required=True)
    planned_start: LocalDateTime()
    planned_minutes: Count(low=1, high=MAX_MINUTES)
    gmv_target: Money(required=False)
    viewers_target: OptionalCount()
    orders_target: OptionalCount()
    account_id: OptionalId
    booking_id: OptionalId
    product_names: list[str] = Field(default=[], alias="product_name")
    product_prices: list[str] = Field(default=[], alias="product_price")
    role_users: list[str] = Field(default=[], alias="role_user")
    role_posts: list[str] = Field(default=[], alias="role_post")

    def products(self) -> list[tuple[str, int]]:
        """The filled product rows as (name, price in fen); rows left blank are skipped."""
        rows = []
        for name, price in zip(self.product_names, self.product_prices, strict=False):
            name, price = name.strip(), price.strip()
            if name or price:
                rows.append((clean_text(name, max_length=200), yuan_to_fen(price)))
        return rows

    def roles(self) -> list[tuple[int | None, int | None]]:
        """The (member id, post id) rows that name a post; the service checks both exist."""
        return [
            (row_id_or_none(user), row_id_or_none(post))
            for user, post in zip(self.role_users, self.role_posts, strict=False)
            if post.strip()
        ]

    def field_problems(self) -> dict[str, Any]:
        problems: dict[str, Any] = {}
        count = 0
        if not self.has("product_names", "product_prices"):
            return problems
        for name, price in zip(self.product_names, self.product_prices, strict=False):
            name, price = name.strip(), price.strip()
            if not name and not price:
                continue
            count += 1
            try:
                clean_text(name, max_length=200, required=True)
            except ValueError:
                problems["products"] = _l("Each product needs a name (at most 200 characters).")
                break
            try:
                yuan_to_fen(price)
            except ValueError:
                problems["products"] = _l(
                    "The price of “%(name)s” must be an amount in yuan, not negative.", name=name
                )
                break
        if count > MAX_PRODUCTS and "products" not in problems:
            problems["products"] = _l("List at most %(n)s products.", n=MAX_PRODUCTS)
        return problems


class ResultForm(FormModel):
    """What the broadcast achieved."""

    actual_start: LocalDateTime()
    actual_end: LocalDateTime()
    gmv: Money()
    orders: Count()
    refunds: Count()
    income: Money()
    new_followers: Count()
    peak_viewers: Count()
    viewers: OptionalCount()
    avg_watch_seconds: OptionalCount(high=MAX_MINUTES * 60)
    interactions: OptionalCount()
    ad_spend: OptionalMoney()
    times_confirmed: Flag() = False  # the start is far from the plan, and that is right

    def field_problems(self) -> dict[str, Any]:
        problems: dict[str, Any] = {}
        if self.has("actual_start", "actual_end"):
            if self.actual_end <= self.actual_start:
                problems["actual_end"] = _l("The end must be after the start.")
            elif (self.actual_end - self.actual_start).total_seconds() > MAX_MINUTES * 60:
                problems["actual_end"] = _l("A session cannot last more than 24 hours.")
        if self.has("orders", "refunds") and self.refunds > self.orders:
            problems["refunds"] = _l("Refunds cannot be more than orders.")
        return problems
