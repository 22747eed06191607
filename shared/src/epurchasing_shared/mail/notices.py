"""The two e-mails every service sends about a turn, in Indonesian with an English line: the
"your turn" e-mail of a hand-off and the reminder of a turn that became overdue. Their
template, how a due time is written, and the builder of the queued e-mail are here; a service
keeps only its own wording, as data in its domain: the sentence of each hand-off, what the
holder of each step has to do, and the facts its e-mails list. Pure (the standard library and
the kernel's pure modules): domain modules may import it.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Literal

from epurchasing_shared.kernel.states import Turn
from epurchasing_shared.mail import MailRules, QueuedEmail, turn_email

__all__ = [
    "Bilingual",
    "Facts",
    "Kind",
    "TurnNotice",
    "due_text",
    "notice_email",
    "overdue_reminder",
    "step_task",
    "your_turn",
]

#: (Indonesian, English)
Bilingual = tuple[str, str]
#: The labelled lines an e-mail lists above its link, e.g. ``(("Kode RUP", "RUP-1"), ...)``.
Facts = tuple[tuple[str, str], ...]

#: The kinds of e-mail built here (of ``epurchasing_shared.mail.KINDS``).
Kind = Literal["your_turn", "overdue_reminder"]
# What the Message-ID says of each kind:
# <package-<id>-turn-<turn id>@...>, <package-<id>-overdue-<turn id>@...>
_LABELS: dict[Kind, str] = {"your_turn": "turn", "overdue_reminder": "overdue"}


@dataclass(frozen=True)
class TurnNotice:
    """What a "your turn" e-mail or an overdue reminder is about."""

    # The first fact names the thing (its value is in the subject: a title, an order number).
    facts: Facts
    addressee: str
    sop_step: str
    due_at: datetime  # in the SOP's local time
    link: str

    @property
    def name(self) -> str:
        return self.facts[0][1]


def due_text(value: datetime) -> str:
    """A due time as the e-mails write it: ``2026-03-03 23:59 WIB``."""
    return value.strftime("%Y-%m-%d %H:%M %Z").strip()


def step_task(tasks: Mapping[str, Bilingual], step: str) -> Bilingual:
    """How a reminder names SOP step ``step``: what its holder has to do, from ``tasks``, in
    brackets (``(send the purchase request)``); ``(step N)`` for a step ``tasks`` lacks."""
    indonesian, english = tasks.get(step, (f"langkah {step}", f"step {step}"))
    return f"({indonesian})", f"({english})"


def _footer(notice: TurnNotice) -> str:
    facts = "".join(f"{label}: {value}\n" for label, value in notice.facts)
    return f"{facts}\nTautan / link: {notice.link}\n"


def your_turn(notice: TurnNotice, hand_off: Bilingual) -> tuple[str, str]:
    """Subject and body of a hand-off e-mail; ``hand_off``: what awaits the addressee."""
    indonesian, english = hand_off
    step, due = notice.sop_step, due_text(notice.due_at)
    subject = f"{indonesian}: {notice.name} ({english})"
    body = (
        f"Yth. {notice.addressee},\n\n"
        f"{indonesian} (langkah {step} SOP), paling lambat {due}.\n"
        f"English: {english} (SOP step {step}), due {due}.\n\n" + _footer(notice)
    )
    return subject, body


def overdue_reminder(
    notice: TurnNotice, step_named: Bilingual, consequence: str | None = None
) -> tuple[str, str]:
    """Subject and body of the reminder of an overdue turn. ``step_named``: the words after
    "Langkah N SOP" / "SOP step N" (:func:`step_task`'s, or e.g. "untuk paket ini");
    ``consequence``: what the service did about it (a paragraph, both languages), if anything."""
    indonesian, english = step_named
    step, due = notice.sop_step, due_text(notice.due_at)
    subject = (
        f"Pengingat: langkah {step} melewati batas waktu: {notice.name} "
        f"(reminder: step {step} is overdue)"
    )
    body = (
        f"Yth. {notice.addressee},\n\n"
        f"Langkah {step} SOP {indonesian} belum dikerjakan dan telah melewati batas "
        f"waktunya ({due}).\n"
        f"English: SOP step {step} {english} is past its due time ({due}).\n"
        + (f"\n{consequence}\n" if consequence else "")
        + "\n"
        + _footer(notice)
    )
    return subject, body


def notice_email(
    turn: Turn,
    *,
    kind: Kind,
    wording: Bilingual,
    facts: Facts,
    addressee: str,
    recipient: str | None,
    link: str,
    rules: MailRules,
    zone: tzinfo,
    now: datetime,
    causation_id: str | None = None,
    consequence: str | None = None,
) -> QueuedEmail:
    """The e-mail of ``kind`` about ``turn``, due now: ``your_turn`` says ``wording`` (the
    hand-off's sentence), ``overdue_reminder`` names the step with it (and tells the
    ``consequence``). Its Message-ID is the turn's (one per hand-off, one reminder per turn),
    its due time written in ``zone``; ``recipient`` None: no address is known."""
    notice = TurnNotice(facts, addressee, turn.sop_step, turn.due_at.astimezone(zone), link)
    if kind == "your_turn":
        content = your_turn(notice, wording)
    else:
        content = overdue_reminder(notice, wording, consequence)
    aggregate = turn.aggregate.replace("_", "-")
    return turn_email(
        turn,
        kind=kind,
        message_id=rules.message_id(aggregate, turn.aggregate_id, _LABELS[kind], turn.id),
        recipient=recipient,
        content=content,
        now=now,
        causation_id=causation_id,
    )
