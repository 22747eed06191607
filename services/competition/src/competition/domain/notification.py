"""What competition's e-mails say (Indonesian, with an English line): the procurement
official's "your turn" e-mail when a purchase request is submitted to them (step 4), and the
reminder to whoever holds a turn of a request or competition that became overdue. Only the
wording is competition's; the template and the builder are shared
(``epurchasing_shared.mail.notices``), as are the mail outbox and its sender."""

from competition.domain.purchase_request import PurchaseRequest
from epurchasing_shared.mail.notices import Bilingual, Facts

# The hand-offs that e-mail the next actor: a submitted request awaits the official (4).
YOUR_TURN: dict[str, Bilingual] = {
    "4": (
        "Permintaan pembelian menunggu penerimaan Anda",
        "a purchase request awaits your acceptance",
    ),
}

# What the holder of each of competition's turns has to do (the reminders name it).
STEP_TASKS: dict[str, Bilingual] = {
    "3": ("mengirim permintaan pembelian", "send the purchase request"),
    "4": ("menerima atau mengembalikan permintaan pembelian", "accept or return the request"),
    "6": ("membuat kompetisi", "create the competition"),
    "9": ("melengkapi dan membuka kompetisi", "complete and open the competition"),
    "11": ("mengevaluasi penawaran", "evaluate the offers"),
    "12": ("mengumumkan hasil kompetisi", "publish the competition's result"),
    "13": ("membuat paket e-purchasing", "generate the e-purchasing package"),
}


def facts(request: PurchaseRequest) -> Facts:
    """What an e-mail about the request (or its competition) lists, its title first."""
    return (
        ("Permintaan pembelian", request.title),
        ("Kode RUP", request.rup_code),
        ("Satuan kerja", request.work_unit),
    )
