"""Alembic per service: create the service's database if missing and migrate it to head.

Alembic is imported where it is used, not with this module: ``python -m <service>
migrate-and-serve`` first asks :func:`database_at_head` (the scripts' heads read without
importing them, the database's version read with one query) and migrates, when there is
something to do, in a child process (``epurchasing_shared.cli``), so that the serving process
never loads Alembic, Mako and the migration scripts.
"""

import ast
import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine

if TYPE_CHECKING:
    from alembic.config import Config


def alembic_config(migrations_dir: Path, database_url: str) -> "Config":
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


async def create_database_if_missing(database_url: str) -> None:
    url = make_url(database_url)
    admin = url.set(drivername="postgresql", database="postgres")
    connection = await asyncpg.connect(admin.render_as_string(hide_password=False))
    try:
        exists = await connection.fetchval(
            "SELECT 1 FROM pg_database WHERE datname = $1", url.database
        )
        if not exists:
            await connection.execute(f'CREATE DATABASE "{url.database}"')
    finally:
        await connection.close()


async def migrate(migrations_dir: Path, database_url: str) -> None:
    """Create the database if needed, then ``alembic upgrade head`` (in a thread of its own,
    since Alembic's env runs its own event loop)."""
    from alembic import command

    await create_database_if_missing(database_url)
    config = alembic_config(migrations_dir, database_url)
    await asyncio.to_thread(command.upgrade, config, "head")


_NOT_SET = object()


def script_heads(migrations_dir: Path) -> set[str] | None:
    """The head revisions of ``migrations_dir/versions``, read from each script's module-level
    ``revision`` and ``down_revision`` literals without importing Alembic or the scripts; None
    when a script does not state them plainly (no literal, a branch label, a dependency, a
    revision twice, a parent no script is, a script that does not parse): then only Alembic
    can tell."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((migrations_dir / "versions").glob("*.py")):
        if path.name.startswith(("__init__", ".#")):  # what Alembic leaves out too
            continue
        try:
            found = _literals(path, ("revision", "down_revision", "branch_labels", "depends_on"))
        except (SyntaxError, ValueError):
            return None
        revision, down = found.get("revision"), found.get("down_revision", _NOT_SET)
        if (
            not isinstance(revision, str)
            or revision in revisions
            or found.get("branch_labels") is not None
            or found.get("depends_on") is not None
        ):
            return None
        if isinstance(down, str):
            parents.add(down)
        elif isinstance(down, tuple | list) and all(isinstance(d, str) for d in down):
            parents.update(down)
        elif down is not None:  # not stated, or not a literal
            return None
        revisions.add(revision)
    if not parents <= revisions:
        return None
    return (revisions - parents) or None


def _literals(path: Path, names: tuple[str, ...]) -> dict[str, Any]:
    """The literal values of module-level ``name = ...`` (or ``name: T = ...``) assignments;
    a name assigned something else maps to a value no caller accepts."""
    found: dict[str, Any] = {}
    for node in ast.parse(path.read_bytes(), filename=str(path)).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in names:
            try:
                found[target.id] = ast.literal_eval(value)
            except (ValueError, TypeError, SyntaxError, RecursionError):
                found[target.id] = _NOT_SET
    return found


async def database_at_head(migrations_dir: Path, database_url: str) -> bool:
    """Whether ``alembic upgrade head`` would find nothing to do: the database exists and its
    ``alembic_version`` holds exactly the scripts' heads. False whenever in doubt (no such
    database or table, any error: Alembic then runs and reports it as it always did)."""
    heads = script_heads(migrations_dir)
    if heads is None:
        return False
    url = make_url(database_url).set(drivername="postgresql")
    try:
        connection = await asyncpg.connect(url.render_as_string(hide_password=False), timeout=10)
        try:
            rows = await connection.fetch("SELECT version_num FROM alembic_version")
        finally:
            await connection.close()
    except Exception:  # in doubt: Alembic runs and says what is wrong, as it always did
        return False
    return {row["version_num"] for row in rows} == heads


def run_migrations_online(url: str, metadata: MetaData) -> None:
    """Body of every service's ``migrations/env.py``."""

    def do_run(connection: Connection) -> None:
        from alembic import context

        context.configure(connection=connection, target_metadata=metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()

    async def run() -> None:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        async with engine.connect() as connection:
            await connection.run_sync(do_run)
        await engine.dispose()

    asyncio.run(run())
