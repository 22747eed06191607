"""What every generated letter shares, as plain data (no format): the letterhead of the work
unit, where it comes from, an item line, and the generated PDF as a document to keep.

The services' letters (ordering's Surat Pesanan, delivery's BAP and BAST) build on these; the
layout is :mod:`epurchasing_shared.letters_pdf`.
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from epurchasing_shared.documents import Upload

PDF = "application/pdf"


@dataclass(frozen=True)
class Letterhead:
    """The issuing government and work unit, as the letter's header names them."""

    government: str
    work_unit: str
    city: str


@dataclass(frozen=True)
class LetterheadSettings:
    """Where a work unit's letterhead comes from (settings; the code when no name is set)."""

    government: str = "PEMERINTAH KABUPATEN MOJOKERTO"
    city: str = "Mojokerto"
    work_unit_names: Mapping[str, str] = field(default_factory=dict)

    def of(self, work_unit: str) -> Letterhead:
        name = self.work_unit_names.get(work_unit) or work_unit.upper()
        return Letterhead(government=self.government, work_unit=name, city=self.city)


@dataclass(frozen=True)
class LetterLine:
    no: int
    description: str
    quantity: int
    unit: str
    unit_price: int
    total: int


def generated_upload(content: bytes, filename: str) -> Upload:
    """The generated PDF as a document to keep, named by its SHA-256."""
    return Upload(
        filename=filename,
        media_type=PDF,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
    )
