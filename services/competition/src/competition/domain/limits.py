"""Upper bounds of the amounts a request may carry.

Money is stored as int rupiah in 64-bit columns (and summed: quantity × unit price + shipping),
so the API refuses larger values at validation (422 naming the field) rather than letting the
database fail. The bounds sit far above any real budget yet far below int64 (≈ 9.2 × 10¹⁸).
"""

from typing import Final

MAX_RUPIAH: Final = 10**15  # a quadrillion rupiah
MAX_QUANTITY: Final = 10**9
