"""Payment arithmetic (step 26): instalments whose sum never exceeds the order total."""

from dataclasses import dataclass

from delivery.domain.errors import PaymentDoesNotAddUp

# The largest amount one payment may name (whole rupiah): far above any e-purchasing package,
# and below 2**53 so that every client's JSON number keeps it exactly.
MAX_PAYMENT_RUPIAH = 1_000_000_000_000_000


@dataclass(frozen=True)
class PaymentFigures:
    """One accepted payment and where it leaves the account (whole rupiah)."""

    amount: int
    paid_so_far: int  # this payment included
    order_total: int

    @property
    def remaining(self) -> int:
        return self.order_total - self.paid_so_far

    @property
    def settles(self) -> bool:
        return self.paid_so_far == self.order_total


def _numbers(amount: int, paid_before: int, order_total: int) -> str:
    return (
        f"amount {amount}, paid so far {paid_before}, order total {order_total}, "
        f"remaining {order_total - paid_before}"
    )


def _angka(amount: int, paid_before: int, order_total: int) -> str:
    return (
        f"jumlah Rp{amount}, sudah dibayar Rp{paid_before}, total pesanan Rp{order_total}, "
        f"sisa Rp{order_total - paid_before}"
    )


def check_payment(amount: int, paid_before: int, order_total: int) -> PaymentFigures:
    """Accept a payment of ``amount`` or raise PaymentDoesNotAddUp with all the numbers."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise PaymentDoesNotAddUp(
            f"a payment is a whole number of rupiah, not {amount!r}",
            "pembayaran harus bilangan bulat rupiah",
        )
    if amount <= 0:
        raise PaymentDoesNotAddUp(
            f"a payment must be more than 0 rupiah ({_numbers(amount, paid_before, order_total)})",
            f"pembayaran harus lebih dari Rp0 ({_angka(amount, paid_before, order_total)})",
        )
    if paid_before + amount > order_total:
        raise PaymentDoesNotAddUp(
            "the payment would exceed the order total "
            f"({_numbers(amount, paid_before, order_total)})",
            f"pembayaran melebihi total Surat Pesanan ({_angka(amount, paid_before, order_total)})",
        )
    return PaymentFigures(amount=amount, paid_so_far=paid_before + amount, order_total=order_total)
