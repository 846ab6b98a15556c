"""Forms of the script page: the script with each product's claims, and a sign-off."""

from typing import Any

from pydantic import Field
from pydantic_core import PydanticCustomError

from app.schemas.base import FormModel, message_for
from app.schemas.fields import Text, clean_text, field_error, row_id_or_none

SCRIPT_CHARS = 20000
CLAIM_CHARS = 2000


class ScriptForm(FormModel):
    """The script (话术) and, per product row, its id and the claims said on air."""

    script: Text(SCRIPT_CHARS)
    product_ids: list[str] = Field(default=[], alias="product_id")
    claims: list[str] = Field(default=[], alias="claim")

    def field_problems(self) -> dict[str, Any]:
        if not self.has("product_ids", "claims"):
            return {}
        try:
            self.product_claims()
        except PydanticCustomError as exc:
            return {"claims": message_for({"type": exc.type, "ctx": exc.context})}
        return {}

    def product_claims(self) -> dict[int, str]:
        """{product id: cleaned claims}; a row without a valid id is refused."""
        result = {}
        for raw_id, text in zip(self.product_ids, self.claims, strict=False):
            product_id = row_id_or_none(raw_id)
            if product_id is None:
                raise field_error("Choose products of this session.")
            result[product_id] = clean_text(text, max_length=CLAIM_CHARS)
        return result


class SignOffForm(FormModel):
    hit_key: Text(80, required=True)
    note: Text(1000, required=True)
