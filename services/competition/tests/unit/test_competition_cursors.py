"""Unit tests of the service's cursor reader: ours read back, anything else is a 422."""

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from competition.api.cursors import created_cursor, id_cursor
from epurchasing_shared.http.pagination import decode_cursor, encode_cursor
from epurchasing_shared.http.problems import Invalid

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
FOREIGN = [
    [],
    ["x"],
    [1, 2],
    [None],
    [["nested"]],
    [NOW.isoformat(), "not-a-uuid"],
    ["not-a-date", str(uuid4())],
    ["2026-03-02T02:00:00", str(uuid4())],  # naive: ours always carry the offset
    [NOW.isoformat(), str(uuid4()), "extra"],
    [str(uuid4())],
]


class TestCreatedCursor:
    def test_reads_back_what_the_list_gave_out(self):
        last_id = uuid4()
        cursor = decode_cursor(encode_cursor(NOW.isoformat(), last_id))
        assert created_cursor(cursor) == (NOW, last_id)

    def test_no_cursor_is_the_first_page(self):
        assert created_cursor(None) is None

    @pytest.mark.parametrize("cursor", FOREIGN)
    def test_a_foreign_cursor_is_invalid_naming_the_cursor(self, cursor):
        with pytest.raises(Invalid) as caught:
            created_cursor(cursor)
        assert caught.value.status == 422
        assert caught.value.extensions["errors"][0]["field"] == "cursor"


class TestIdCursor:
    def test_reads_back_what_the_list_gave_out(self):
        last_id = uuid4()
        assert id_cursor(decode_cursor(encode_cursor(last_id))) == last_id

    def test_no_cursor_is_the_first_page(self):
        assert id_cursor(None) is None

    @pytest.mark.parametrize(
        "cursor", [[], ["not-a-uuid"], [1], [str(uuid4()), str(uuid4())], [None], [{}]]
    )
    def test_a_foreign_cursor_is_invalid_naming_the_cursor(self, cursor):
        with pytest.raises(Invalid) as caught:
            id_cursor(cursor)
        assert caught.value.status == 422
        assert caught.value.extensions["errors"][0]["field"] == "cursor"
