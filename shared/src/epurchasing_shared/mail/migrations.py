"""The Alembic step of the mail outbox, so that a service's revision is one line of logic:
``create_mail_outbox(op)`` / ``drop_mail_outbox(op)`` (the table of
:func:`epurchasing_shared.mail.sql.add_mail_outbox_table`, with its index)."""

from typing import Any

import sqlalchemy as sa

from epurchasing_shared.mail.sql import add_mail_outbox_table


def create_mail_outbox(op: Any, name: str = "mail_outbox") -> None:
    add_mail_outbox_table(sa.MetaData(), name).create(op.get_bind())


def drop_mail_outbox(op: Any, name: str = "mail_outbox") -> None:
    op.drop_table(name)  # its indexes go with it
