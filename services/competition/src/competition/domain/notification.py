"""What competition's e-mails say (Indonesian, with an English line): the procurement
official's "your turn" e-mail when a purchase request is submitted to them (step 4), and the
reminder to whoever holds a turn of a request or competition that became overdue. The mail
outbox and its sender are shared (``epurchasing_shared.mail``)."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class TurnNotice:
    """What a "your turn" e-mail or an overdue reminder is about."""

    title: str  # the purchase request's
    rup_code: str
    work_unit: str
    addressee: str
    sop_step: str
    due_at: datetime  # in the SOP's local time


# The hand-offs that e-mail the next actor: a submitted request awaits the official (4).
YOUR_TURN = {
    "4": (
        "Permintaan pembelian menunggu penerimaan Anda",
        "a purchase request awaits your acceptance",
    ),
}

# What the holder of each of competition's turns has to do (the reminders name it).
STEP_TASKS = {
    "3": ("mengirim permintaan pembelian", "send the purchase request"),
    "4": ("menerima atau mengembalikan permintaan pembelian", "accept or return the request"),
    "6": ("membuat kompetisi", "create the competition"),
    "9": ("melengkapi dan membuka kompetisi", "complete and open the competition"),
    "11": ("mengevaluasi penawaran", "evaluate the offers"),
    "12": ("mengumumkan hasil kompetisi", "publish the competition's result"),
    "13": ("membuat paket e-purchasing", "generate the e-purchasing package"),
}


def _due(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M %Z").strip()


def _facts(notice: TurnNotice, link: str) -> str:
    return (
        f"Permintaan pembelian: {notice.title}\nKode RUP: {notice.rup_code}\n"
        f"Satuan kerja: {notice.work_unit}\n\nTautan / link: {link}\n"
    )


def your_turn_email(notice: TurnNotice, link: str) -> tuple[str, str]:
    """Subject and body of a hand-off e-mail (Indonesian, with an English line)."""
    indonesian, english = YOUR_TURN[notice.sop_step]
    subject = f"{indonesian}: {notice.title} ({english})"
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
        f"Pengingat: langkah {step} melewati batas waktu: {notice.title} "
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
