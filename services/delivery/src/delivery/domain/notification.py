"""What delivery's e-mails say (Indonesian, with an English line): the PPK's "your turn" e-mail
when the vendor records the goods delivered (step 25: the inspection, 26, is the PPK's), and
the reminder to whoever holds a fulfilment's turn that became overdue (the vendor at 23 and
25, the PPK at 26 and 27). The mail outbox and its sender are shared
(``epurchasing_shared.mail``)."""

from dataclasses import dataclass
from datetime import datetime

from delivery.domain.states import FulfilmentState


@dataclass(frozen=True)
class TurnNotice:
    """What a "your turn" e-mail or an overdue reminder is about."""

    order_number: str
    work_unit: str
    delivery_address: str
    addressee: str
    sop_step: str
    due_at: datetime  # in the SOP's local time


# The hand-offs that e-mail the next actor, by (action, state reached): the delivered entry
# (25) hands the PPK the inspection (26).
YOUR_TURN = {
    ("record_shipment", FulfilmentState.DELIVERED.value): (
        "Barang telah diterima dan menunggu pemeriksaan Anda",
        "the goods were delivered and await your inspection",
    ),
}

# What the holder of each of delivery's turns has to do (the reminders name it).
STEP_TASKS = {
    "23": ("mulai menyiapkan barang", "start preparing the goods"),
    "25": ("mengirim barang dan mencatat pengirimannya", "ship the goods and record it"),
    "26": (
        "memeriksa barang, serah terima dan pembayaran",
        "inspect, take over and pay for the goods",
    ),
    "27": ("menyelesaikan paket dan menilai penyedia", "complete the package and rate the vendor"),
}


def _due(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M %Z").strip()


def _facts(notice: TurnNotice, link: str) -> str:
    return (
        f"Surat Pesanan: {notice.order_number}\nSatuan kerja: {notice.work_unit}\n"
        f"Alamat pengiriman: {notice.delivery_address}\n\nTautan / link: {link}\n"
    )


def your_turn_email(notice: TurnNotice, hand_off: tuple[str, str], link: str) -> tuple[str, str]:
    """Subject and body of a hand-off e-mail; ``hand_off``: a row of :data:`YOUR_TURN`."""
    indonesian, english = hand_off
    subject = f"{indonesian}: {notice.order_number} ({english})"
    body = (
        f"Yth. {notice.addressee},\n\n"
        f"{indonesian} (langkah {notice.sop_step} SOP), paling lambat {_due(notice.due_at)}.\n"
        f"English: {english} (SOP step {notice.sop_step}), due {_due(notice.due_at)}.\n\n"
        + _facts(notice, link)
    )
    return subject, body


def overdue_reminder_email(notice: TurnNotice, link: str) -> tuple[str, str]:
    """Subject and body of the reminder sent when a turn becomes overdue."""
    step = notice.sop_step
    indonesian, english = STEP_TASKS.get(step, (f"langkah {step}", f"step {step}"))
    subject = (
        f"Pengingat: langkah {step} melewati batas waktu: {notice.order_number} "
        f"(reminder: step {step} is overdue)"
    )
    body = (
        f"Yth. {notice.addressee},\n\n"
        f"Langkah {step} SOP ({indonesian}) belum dikerjakan dan telah melewati batas "
        f"waktunya ({_due(notice.due_at)}).\n"
        f"English: SOP step {step} ({english}) is past its due time "
        f"({_due(notice.due_at)}).\n\n" + _facts(notice, link)
    )
    return subject, body
