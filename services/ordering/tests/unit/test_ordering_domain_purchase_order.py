"""Order number format and the addendum rules (pagu; ≤ 10 % over the ORIGINAL total)."""

from datetime import date

import pytest

from epurchasing_shared.kernel.errors import RuleViolation
from ordering.domain.notification import PackageSummary, rupiah, vendor_email
from ordering.domain.pricing import Line
from ordering.domain.purchase_order import (
    AddendumChange,
    OrderTerms,
    amend,
    check_addendum_value,
    format_order_number,
)

TERMS = OrderTerms(
    lines=(Line(1, "Laptop", 10, "unit", 10_000_000), Line(2, "Printer", 2, "unit", 3_000_000)),
    shipping_cost=500_000,
    delivery_deadline=date(2026, 3, 1),
    signatory="Budi",
    terms="Syarat umum",
)


class TestOrderNumber:
    def test_formats_work_unit_year_and_padded_sequence(self):
        number = format_order_number(
            "SP/{work_unit}/{year}/{seq:04d}", work_unit="dinkes", year=2026, seq=7
        )
        assert number == "SP/dinkes/2026/0007"

    def test_other_templates_work(self):
        assert format_order_number("{year}-{seq}", work_unit="x", year=2026, seq=12) == "2026-12"

    def test_an_unknown_field_is_a_configuration_error(self):
        with pytest.raises(ValueError, match="work_unit"):
            format_order_number("SP/{month}/{seq}", work_unit="x", year=2026, seq=1)


class TestAddendumValue:
    def test_exactly_ten_percent_is_allowed(self):
        check_addendum_value(
            original_total=1_000, new_total=1_100, pagu=2_000, max_increase_percent=10
        )

    def test_more_than_ten_percent_is_refused(self):
        with pytest.raises(RuleViolation, match="10 %"):
            check_addendum_value(
                original_total=1_000, new_total=1_101, pagu=2_000, max_increase_percent=10
            )

    def test_the_limit_is_configurable(self):
        check_addendum_value(
            original_total=1_000, new_total=1_150, pagu=2_000, max_increase_percent=15
        )

    def test_the_new_total_may_not_exceed_the_pagu(self):
        with pytest.raises(RuleViolation, match="pagu"):
            check_addendum_value(
                original_total=1_000, new_total=1_050, pagu=1_040, max_increase_percent=10
            )

    def test_a_reduction_is_allowed(self):
        check_addendum_value(
            original_total=1_000, new_total=500, pagu=1_000, max_increase_percent=10
        )


class TestAmend:
    def test_changes_quantities_and_keeps_agreed_prices(self):
        amended = amend(TERMS, AddendumChange(quantities={1: 11}, shipping_cost=0))
        assert amended.lines[0].quantity == 11 and amended.lines[0].unit_price == 10_000_000
        assert amended.total == 110_000_000 + 6_000_000

    def test_refuses_unknown_lines_zero_quantities_and_no_change(self):
        with pytest.raises(RuleViolation, match="no line"):
            amend(TERMS, AddendumChange(quantities={3: 1}))
        with pytest.raises(RuleViolation, match="below 1"):
            amend(TERMS, AddendumChange(quantities={1: 0}))
        with pytest.raises(RuleViolation, match="nothing"):
            amend(TERMS, AddendumChange(signatory="Budi"))

    def test_changes_deadline_signatory_and_terms(self):
        amended = amend(
            TERMS, AddendumChange(delivery_deadline=date(2026, 4, 1), signatory="Ani", terms="Baru")
        )
        assert (amended.delivery_deadline, amended.signatory, amended.terms) == (
            date(2026, 4, 1),
            "Ani",
            "Baru",
        )


class TestVendorEmail:
    def test_is_indonesian_with_an_english_line_summary_and_link(self):
        summary = PackageSummary(
            "Laptop Dinkes",
            "RUP-1",
            "dinkes",
            "PT Maju",
            TERMS.lines,
            500_000,
            "Jl. Merdeka 1",
            date(2026, 3, 1),
        )
        subject, body = vendor_email(summary, "https://x.example/packages/1")
        assert "Paket e-Purchasing" in subject
        assert "Yth. PT Maju" in body and "English:" in body
        assert "Total: Rp106.500.000" in body
        assert "https://x.example/packages/1" in body

    def test_rupiah_uses_dots_for_thousands(self):
        assert rupiah(1_250_000) == "Rp1.250.000"
