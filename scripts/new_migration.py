"""Autogenerate the next Alembic migration of one service against a scratch database.

    python scripts/new_migration.py competition "purchase requests and catalogue"

Creates a throw-away database, migrates it to head, compares it with the service's tables
and writes the next revision under services/<service>/migrations/versions/. Read the result
before committing it.
"""

import asyncio
import sys
from pathlib import Path

import asyncpg
from alembic import command

from epurchasing_shared.migrations import alembic_config, migrate

SERVER = "postgresql://postgres@127.0.0.1:5432"


async def main(service: str, message: str) -> None:
    root = Path(__file__).resolve().parents[1] / "services" / service / "migrations"
    versions = sorted(p.name for p in (root / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))
    rev_id = f"{len(versions) + 1:04d}"
    scratch = f"scratch_migration_{service}"
    admin = await asyncpg.connect(f"{SERVER}/postgres")
    await admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    try:
        url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{scratch}"
        await migrate(root, url)
        config = alembic_config(root, url)
        await asyncio.to_thread(
            command.revision, config, message=message, autogenerate=True, rev_id=rev_id
        )
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
