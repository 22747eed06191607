"""Request bodies of the ordering API (JSON); multipart forms are parsed in the routers."""

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ordering.domain.negotiation import PriceSet

# Upper bounds of what a request may carry, well inside PostgreSQL's bigint (about 9.2e18):
# a bigger number is a 422 from validation, never an overflow (500) in the database.
MAX_RUPIAH = 10**15
MAX_QUANTITY = 10**9
MAX_LINE_NO = 10**6


class ItemPriceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    line_no: int = Field(ge=1, le=MAX_LINE_NO)
    unit_price: int = Field(le=MAX_RUPIAH)


def _price_set(prices: list[ItemPriceIn], shipping_cost: int) -> PriceSet:
    return PriceSet({p.line_no: p.unit_price for p in prices}, shipping_cost)


def _no_duplicate_lines(prices: list[ItemPriceIn]) -> None:
    numbers = [p.line_no for p in prices]
    if len(numbers) != len(set(numbers)):
        raise ValueError("each line may be priced only once")


class ProposalIn(BaseModel):
    """The official's proposal: a unit price for every line, and shipping."""

    model_config = ConfigDict(extra="forbid")

    prices: list[ItemPriceIn] = Field(min_length=1, max_length=1000)
    shipping_cost: int = Field(le=MAX_RUPIAH)
    note: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _unique(self) -> "ProposalIn":
        _no_duplicate_lines(self.prices)
        return self

    def price_set(self) -> PriceSet:
        return _price_set(self.prices, self.shipping_cost)


class RejectionIn(BaseModel):
    """The vendor's rejection, optionally with counter-prices (all lines and shipping)."""

    model_config = ConfigDict(extra="forbid")

    counter_prices: list[ItemPriceIn] | None = Field(default=None, min_length=1, max_length=1000)
    counter_shipping_cost: int | None = Field(default=None, le=MAX_RUPIAH)
    reason: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _complete(self) -> "RejectionIn":
        if (self.counter_prices is None) != (self.counter_shipping_cost is None):
            raise ValueError("counter_prices and counter_shipping_cost go together")
        if self.counter_prices:
            _no_duplicate_lines(self.counter_prices)
        return self

    def counter(self) -> PriceSet | None:
        if self.counter_prices is None or self.counter_shipping_cost is None:
            return None
        return _price_set(self.counter_prices, self.counter_shipping_cost)


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=2000)
