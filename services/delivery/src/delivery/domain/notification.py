"""What delivery's e-mails say (Indonesian, with an English line): the PPK's "your turn" e-mail
when the vendor records the goods delivered (step 25: the inspection, 26, is the PPK's), and
the reminder to whoever holds a fulfilment's turn that became overdue (the vendor at 23 and
25, the PPK at 26 and 27). Only the wording is delivery's; the template and the builder are
shared (``epurchasing_shared.mail.notices``), as are the mail outbox and its sender."""

from delivery.domain.fulfilment import Fulfilment
from delivery.domain.states import FulfilmentState
from epurchasing_shared.mail.notices import Bilingual, Facts

# The hand-offs that e-mail the next actor, by (action, state reached): the delivered entry
# (25) hands the PPK the inspection (26).
YOUR_TURN: dict[tuple[str, str], Bilingual] = {
    ("record_shipment", FulfilmentState.DELIVERED.value): (
        "Barang telah diterima dan menunggu pemeriksaan Anda",
        "the goods were delivered and await your inspection",
    ),
}

# What the holder of each of delivery's turns has to do (the reminders name it).
STEP_TASKS: dict[str, Bilingual] = {
    "23": ("mulai menyiapkan barang", "start preparing the goods"),
    "25": ("mengirim barang dan mencatat pengirimannya", "ship the goods and record it"),
    "26": (
        "memeriksa barang, serah terima dan pembayaran",
        "inspect, take over and pay for the goods",
    ),
    "27": ("menyelesaikan paket dan menilai penyedia", "complete the package and rate the vendor"),
}


def facts(fulfilment: Fulfilment) -> Facts:
    """What an e-mail about the fulfilment lists, its order number first."""
    return (
        ("Surat Pesanan", fulfilment.order_number),
        ("Satuan kerja", fulfilment.work_unit),
        ("Alamat pengiriman", fulfilment.delivery_address),
    )
