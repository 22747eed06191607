"""Parsing what the API receives outside pydantic models: the list cursor and the addendum's
``quantities`` form field. Anything malformed is a 422 naming the field, never a 500."""

import json

import pytest

from epurchasing_shared.http.problems import Invalid
from epurchasing_shared.kernel.errors import RuleViolation
from epurchasing_shared.pages import decode_cursor, encode_cursor
from ordering.api.purchase_orders import parse_quantities
from ordering.application.views import cursor_position

PACKAGE_ID = "0b5d2c7e-3f0e-4c1a-9d55-1f1f8a1c2b3d"
CREATED_AT = "2026-03-02T02:00:00+00:00"


def field_of(error: pytest.ExceptionInfo[Invalid]) -> str:
    return error.value.extensions["errors"][0]["field"]


class TestCursorPosition:
    def test_reads_a_cursor_this_service_gave_out(self):
        created_at, package_id = cursor_position(
            decode_cursor(encode_cursor(CREATED_AT, PACKAGE_ID))
        )
        assert (created_at.isoformat(), str(package_id)) == (CREATED_AT, PACKAGE_ID)

    @pytest.mark.parametrize(
        "values",
        [
            [1, 2],
            [],
            ["x"],
            [None, None],
            [CREATED_AT, 7],
            [CREATED_AT, PACKAGE_ID, "extra"],
            ["not-a-date", PACKAGE_ID],
            [CREATED_AT, "not-a-uuid"],
            ["2026-03-02T02:00:00", PACKAGE_ID],  # no offset: not comparable with timestamptz
        ],
    )
    def test_rejects_any_other_cursor_naming_the_cursor_field(self, values):
        with pytest.raises(RuleViolation) as error:
            cursor_position(values)
        assert error.value.errors[0]["field"] == "cursor"


class TestParseQuantities:
    def test_reads_line_numbers_to_whole_quantities(self):
        assert parse_quantities('{"1": 12, "2": 1000000000}') == {1: 12, 2: 10**9}

    @pytest.mark.parametrize("raw", [None, "", "   "])
    def test_no_field_means_no_quantity_change(self, raw):
        assert parse_quantities(raw) is None

    @pytest.mark.parametrize(
        "raw",
        [
            '{"1": 1e400}',  # infinity
            '{"1": 11.0}',  # a float, even a whole one, is not silently coerced
            '{"1": 11.5}',
            '{"1": true}',
            '{"1": false}',
            '{"1": "11"}',
            '{"1": null}',
            '{"1": NaN}',
            '{"1": [11]}',
            '{"1": 0}',
            '{"1": -3}',
            json.dumps({"1": 10**9 + 1}),
            json.dumps({"1": 2**63}),
            '{"x": 11}',
            '{"0": 11}',
            '{"01": 11}',
            '{" 1": 11}',
            '{"1": 11, "1": 12}',
            "[1]",
            "11",
            "not json",
        ],
    )
    def test_rejects_anything_else_naming_the_quantities_field(self, raw):
        with pytest.raises(Invalid) as error:
            parse_quantities(raw)
        assert field_of(error) == "quantities"
