"""The SMTP mailer's message (``SmtpMailer.build``), read back as a receiver reads it.

Each e-mail is flattened as aiosmtplib sends it (the envelope taken from the headers, SMTPUTF8
when an address needs it, 8BITMIME or not, the line endings it transmits), parsed again with
the default policy, and its decoded headers and body must be what was asked. What the default
policy refuses in a header (a line break in the value) is refused anywhere in the value, and
``send`` turns every refusal into "the message cannot be built" without connecting.
"""

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, message_from_string, policy
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from typing import Any
from uuid import uuid4

import pytest
from aiosmtpd.controller import Controller
from aiosmtplib.email import extract_recipients, extract_sender, flatten_message
from aiosmtplib.protocol import normalize_message_line_endings

from epurchasing_shared.mail import MailDeliveryError, MailOutcomeUnknown, OutgoingMail
from epurchasing_shared.mail.smtp import SmtpConfig, SmtpMailer
from epurchasing_shared.testing.mail import free_port

SENDER = "e-purchasing <no-reply@epurchasing.example>"
LINK = "http://localhost/packages/8c0e5a62-4a0b-4a7b-9b77-1f2a3c4d5e6f"
VENDOR_BODY = (
    "Yth. CV Sumber Rejeki Abadi — Cabang Mojosari,\n\n"
    "Pejabat Pengadaan Dinas Kesehatan Kabupaten Mojokerto telah memproses paket "
    "e-purchasing berikut untuk Anda. Silakan masuk dan tinjau permintaan pembelian ini.\n"
    "English: a procurement official has processed an e-purchasing package for you; "
    "please log in and review the purchase request.\n\n"
    "Barang:\n"
    "  1. Tensimeter digital (akurasi ±3 mmHg): 12 unit x Rp1.250.000 = Rp15.000.000\n"
    "  2. Termometer inframerah, kalibrasi 37 °C: 25 unit x Rp350.000 = Rp8.750.000\n"
    f"Total: Rp23.750.000\n\nTautan / link: {LINK}\n"
)
SUBJECT = (
    "Paket e-Purchasing baru: Pengadaan Alat Kesehatan dan Bahan Medis Habis Pakai untuk "
    "Puskesmas Kecamatan Pungging Tahun Anggaran 2026 (new e-purchasing package)"
)


def outgoing(**changes: object) -> OutgoingMail:
    mail = OutgoingMail(
        aggregate_id=uuid4(),
        recipient="sales@sumber.example",
        subject=SUBJECT,
        body=VENDOR_BODY,
        message_id=f"<package-{uuid4()}-turn-{uuid4()}@epurchasing.example>",
        date=datetime(2026, 3, 3, 23, 59, 30, tzinfo=timezone(timedelta(hours=7))),
    )
    return replace(mail, **changes)


@dataclass(frozen=True)
class Case:
    """An e-mail to build and what its From and To must read back as (name, address)."""

    sender: str = SENDER
    sender_is: tuple[str, str] = ("e-purchasing", "no-reply@epurchasing.example")
    recipient: str = "sales@sumber.example"
    recipient_is: tuple[str, str] = ("", "sales@sumber.example")
    subject: str = SUBJECT
    body: str = VENDOR_BODY


# ASCII and non-ASCII subjects, bodies and display names, long subjects and body lines, an
# empty body, addresses with and without display names, addresses that need SMTPUTF8.
CASES = {
    "the vendor's e-mail": Case(),
    "ascii": Case(
        sender="no-reply@x.example",
        sender_is=("", "no-reply@x.example"),
        subject="Permintaan pembelian",
        body="Yth. Sari,\n",
    ),
    "non-ascii subject": Case(subject="Pengingat: batas waktu — Mojokertó (±3 °C)"),
    "non-ascii subject, long": Case(subject="Paket " + "é" * 300 + " selesai"),
    "ascii subject, long": Case(subject="Ringkas: " + "kata panjang " * 60 + "akhir"),
    "a word longer than a line": Case(subject=f"Tautan {LINK}{'/x' * 40} dibuka"),
    "looks encoded": Case(subject="=?utf-8?q?bukan_kode?= tetap apa adanya"),
    "control characters": Case(subject="tab\tnul\x00esc\x1bdel\x7f"),
    "empty subject": Case(subject=""),
    "empty body": Case(body=""),
    "long body lines": Case(body="x" * 2000 + "\n" + "é" * 1000 + "\n" + "a " * 600),
    "long lines starting with From": Case(body="From " + "x" * 300 + "\nFrom é" + "é" * 200),
    "body edges": Case(
        body="From the vendor: siap\n.\n..dua\nFrom\nspasi di akhir  \ntab\t\n"
        "=3D sama dengan\r\nCRLF\rCR\x0bVT\x0cFF\x85NEL\u2028LS\n\n\nakhir"
    ),
    "recipient with a display name": Case(
        recipient="Sari Wulandari <sari@x.example>",
        recipient_is=("Sari Wulandari", "sari@x.example"),
    ),
    "quoted display name": Case(
        recipient='"Budi Santoso, S.Kom." <budi@x.example>',
        recipient_is=("Budi Santoso, S.Kom.", "budi@x.example"),
    ),
    "non-ascii display names": Case(
        sender="Unit Kerja Pengadaan — Kabupaten Mojokertó <no-reply@mojokerto.example>",
        sender_is=("Unit Kerja Pengadaan — Kabupaten Mojokertó", "no-reply@mojokerto.example"),
        recipient="Ñoño Hernández Ćosić <nono@toko-jaya.example>",
        recipient_is=("Ñoño Hernández Ćosić", "nono@toko-jaya.example"),
    ),
    "in brackets, with a comment": Case(
        sender="<no-reply@x.example>",
        sender_is=("", "no-reply@x.example"),
        recipient="Budi Santoso <budi@x.example> (kantor)",
        recipient_is=("Budi Santoso", "budi@x.example"),
    ),
    "smtputf8 address": Case(
        recipient="Ñoño <ñoño@toko.example>", recipient_is=("Ñoño", "ñoño@toko.example")
    ),
    "smtputf8 domain": Case(
        sender="Pengadaan — Mojokertó <no-reply@x.example>",
        sender_is=("Pengadaan — Mojokertó", "no-reply@x.example"),
        recipient="a@sumbér.id",
        recipient_is=("", "a@sumbér.id"),
    ),
}


def wire(message: Message, cte_type: str) -> tuple[str, list[str], bool, bytes]:
    """What aiosmtplib's send_message sends: envelope from the headers, SMTPUTF8 if an address
    is not ASCII, the flattened message with the line endings DATA transmits."""
    sender, recipients = extract_sender(message), extract_recipients(message)
    assert sender is not None
    utf8 = not (sender + "".join(recipients)).isascii()
    flat = flatten_message(message, utf8=utf8, cte_type=cte_type)
    return sender, recipients, utf8, normalize_message_line_endings(flat)


def sent_body(body: str) -> str:
    """The body as the message carries it: lines ended by LF, the last one too."""
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    return text if text.endswith("\n") else text + "\n"


def read(data: bytes) -> Any:
    """The message as a receiver reads it (SMTPUTF8: headers in UTF-8)."""
    if data.isascii():
        return message_from_bytes(data, policy=policy.default)
    return message_from_string(data.decode("utf-8"), policy=policy.default)


def mailbox(header: Any) -> tuple[str, str]:
    (address,) = header.addresses
    return address.display_name, address.addr_spec


@pytest.mark.parametrize("cte_type", ["8bit", "7bit"])  # the server offers 8BITMIME or not
@pytest.mark.parametrize("name", CASES)
def test_what_is_sent_reads_back_as_what_was_asked(name, cte_type):
    case = CASES[name]
    mail = outgoing(recipient=case.recipient, subject=case.subject, body=case.body)
    message = SmtpMailer(SmtpConfig(sender=case.sender)).build(mail)
    envelope_from, envelope_to, utf8, data = wire(message, cte_type)
    back = read(data)

    assert (envelope_from, envelope_to) == (case.sender_is[1], [case.recipient_is[1]])
    assert utf8 == (not (case.sender_is[1] + case.recipient_is[1]).isascii())
    # the cheap message unless an address needs SMTPUTF8 (only EmailMessage writes that)
    assert isinstance(message, EmailMessage) == utf8
    assert (mailbox(back["From"]), mailbox(back["To"])) == (case.sender_is, case.recipient_is)
    assert back["Subject"] == mail.subject
    assert back["Message-ID"] == mail.message_id
    assert back["Date"].datetime == mail.date
    assert (back.get_content_type(), back.get_content_charset()) == ("text/plain", "utf-8")
    assert back.get_content().replace("\r\n", "\n") == sent_body(mail.body)
    assert not back.defects
    assert max(len(line) for line in data.split(b"\r\n")) <= 998  # SMTP's limit
    if not utf8:
        assert data.isascii()  # 7-bit clean: any server, 8BITMIME or not
        head, _, body = data.partition(b"\r\n\r\n")
        assert max(len(line) for line in body.split(b"\r\n")) <= 76
        # RFC 5322's 78 (a Message-ID cannot be folded) and RFC 2047's 75
        lines = head.split(b"\r\n")
        assert max(len(line) for line in lines if not line.startswith(b"Message-ID:")) <= 78
        assert max(map(len, re.findall(rb"=\?utf-8\?[qb]\?[^?]*\?=", head)), default=0) <= 75


def test_a_long_non_ascii_display_name_is_split_into_encoded_words():
    """RFC 2047: an encoded word is 75 characters at most; a long display name is several,
    which a receiver joins again (the default policy keeps a space between them: decoded
    here as RFC 2047 says)."""
    name = "Unit Kerja Pengadaan Barang/Jasa — Sekretariat Daerah Kabupaten Mojokertó Jatim"
    message = SmtpMailer(SmtpConfig(sender=f"{name} <no-reply@x.example>")).build(outgoing())
    _, _, _, data = wire(message, "8bit")
    folded = data.split(b"\r\nTo:")[0].decode("ascii").removeprefix("From: ")
    words = re.findall(r"=\?utf-8\?[qb]\?[^?]*\?=", folded)
    assert len(words) > 1 and all(len(word) <= 75 for word in words)
    phrase = re.sub(r"\r\n\s+", " ", folded).rsplit(" <", 1)[0]
    assert str(make_header(decode_header(phrase))) == name


# What the default policy refused in the middle of a header value (str.splitlines' breaks).
LINE_BREAKS = [
    "\r",
    "\n",
    "\r\n",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x1d",
    "\x1e",
    "\x85",
    "\u2028",
    "\u2029",
]
HEADERS = {
    "sender": SENDER,
    "recipient": "Sari <sari@x.example>",
    "subject": "Subjek",
    "message_id": "<a-1@x.example>",
}


def refused(sender: str = SENDER, **changes: str) -> tuple[SmtpMailer, OutgoingMail]:
    """A mailer and an e-mail that must be refused; the mailer's port has nothing behind it
    (sending would fail otherwise, but not with "cannot be built")."""
    return SmtpMailer(SmtpConfig(sender=sender, port=free_port())), outgoing(**changes)


def test_whatever_the_default_policy_refused_in_a_header_is_refused():
    """Swept: each character the default policy refused in a header value is in the list
    below, and refused, in the middle of a subject and at its end (which the default policy
    let through)."""
    found = []
    for code in [*range(0x3000), 0xFEFF, 0xFFFE]:
        try:
            EmailMessage()["Subject"] = f"a{chr(code)}b"
        except ValueError:
            found.append(chr(code))
    assert sorted(found) == sorted(c for c in LINE_BREAKS if len(c) == 1)
    mailer = SmtpMailer(SmtpConfig())
    for char in found:
        for subject in (f"a{char}b", f"ab{char}"):
            with pytest.raises(ValueError):
                mailer.build(outgoing(subject=subject))


@pytest.mark.parametrize("where", ["start", "middle", "end"])
@pytest.mark.parametrize("char", [*LINE_BREAKS, "\udc80"])  # and a lone surrogate
@pytest.mark.parametrize("field", HEADERS)
async def test_a_header_with_a_line_break_is_refused_and_not_sent(field, char, where):
    value = HEADERS[field]
    if where == "start":
        value = char + value
    elif where == "end":
        value = value + char  # the default policy let this one through
    else:
        value = value[: len(value) // 2] + char + value[len(value) // 2 :]
    mailer, mail = refused(value) if field == "sender" else refused(**{field: value})
    with pytest.raises(ValueError):
        mailer.build(mail)
    with pytest.raises(MailDeliveryError, match=r"^the message cannot be built") as error:
        await mailer.send(mail)
    assert not isinstance(error.value, MailOutcomeUnknown)


@pytest.mark.parametrize(
    "changes",
    [
        {"recipient": "a@x.example, b@y.example"},  # one address only (see mail.addresses)
        {"recipient": "Budi, S.Kom. <budi@x.example>"},  # an unquoted comma: two
        {"recipient": "not an address"},
        {"recipient": ""},
        {"sender": "e-purchasing"},
        {"message_id": "<ñ-1@x.example>"},  # the default policy could not write it either
        {"body": "Isi \udc80"},  # a lone surrogate has no UTF-8 (refused before too)
    ],
)
async def test_what_cannot_be_written_is_refused_and_not_sent(changes):
    mailer, mail = refused(**changes)
    with pytest.raises(ValueError):
        mailer.build(mail)
    with pytest.raises(MailDeliveryError, match=r"^the message cannot be built"):
        await mailer.send(mail)


class Keeper:
    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


@pytest.mark.parametrize("smtputf8", [True, False])
async def test_aiosmtplib_sends_it(smtputf8):
    """A real conversation (aiosmtpd): the envelope and the message as the server got them;
    an address that needs SMTPUTF8 is refused, not sent, by a server without it."""
    keeper, port = Keeper(), free_port()
    controller = Controller(keeper, hostname="127.0.0.1", port=port, enable_SMTPUTF8=smtputf8)
    controller.start()
    try:
        sender = "Unit Kerja Pengadaan — Mojokertó <no-reply@x.example>"
        mailer = SmtpMailer(SmtpConfig(port=port, sender=sender, timeout_seconds=5))
        plain = outgoing(
            recipient="Ñoño Hernández <nono@toko.example>", body="From here\n" + VENDOR_BODY
        )
        wide = outgoing(recipient="ñoño@toko.example")
        await mailer.send(plain)
        if smtputf8:
            await mailer.send(wide)
        else:
            with pytest.raises(MailDeliveryError, match="SMTPNotSupported"):
                await mailer.send(wide)
    finally:
        controller.stop()
    expected = [("no-reply@x.example", ["nono@toko.example"], plain)]
    if smtputf8:
        expected.append(("no-reply@x.example", ["ñoño@toko.example"], wide))
    assert len(keeper.received) == len(expected)
    for (mail_from, rcpt_tos, content), (envelope_from, envelope_to, mail) in zip(
        keeper.received, expected, strict=True
    ):
        assert (mail_from, rcpt_tos) == (envelope_from, envelope_to)
        back = read(content)
        assert back["From"].addresses[0].display_name == "Unit Kerja Pengadaan — Mojokertó"
        assert back["To"].addresses[0].addr_spec == mail.recipient.rsplit("<")[-1].strip(">")
        assert (back["Subject"], back["Message-ID"]) == (mail.subject, mail.message_id)
        assert back.get_content().replace("\r\n", "\n") == sent_body(mail.body)
