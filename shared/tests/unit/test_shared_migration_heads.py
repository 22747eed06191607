"""``migrate-and-serve`` skips Alembic when the database is at head: the scripts' heads, read
without importing them, must be Alembic's own, and anything unclear must leave it to Alembic."""

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from epurchasing_shared.migrations import alembic_config, script_heads

ROOT = Path(__file__).resolve().parents[3]
SERVICES = ("competition", "ordering", "delivery", "rating")


@pytest.mark.parametrize("service", SERVICES)
def test_the_heads_are_alembics(service: str) -> None:
    migrations = ROOT / "services" / service / "migrations"
    scripts = ScriptDirectory.from_config(alembic_config(migrations, "postgresql://x/y"))
    assert script_heads(migrations) == set(scripts.get_heads())


def _scripts(tmp_path: Path, *bodies: str) -> Path:
    versions = tmp_path / "versions"
    versions.mkdir()
    for number, body in enumerate(bodies, start=1):
        (versions / f"{number:04d}_step.py").write_text(body)
    return tmp_path


CHAIN = (
    "revision = '0001'\ndown_revision = None\nbranch_labels = None\ndepends_on = None\n",
    "revision: str = '0002'\ndown_revision: str | None = '0001'\n",
)


def test_a_chain_has_its_last_revision_as_head(tmp_path: Path) -> None:
    assert script_heads(_scripts(tmp_path, *CHAIN)) == {"0002"}


def test_a_merge_has_one_head_and_two_branches_two(tmp_path: Path) -> None:
    merged = _scripts(
        tmp_path,
        *CHAIN,
        "revision = '0003'\ndown_revision = '0001'\n",
        "revision = '0004'\ndown_revision = ('0002', '0003')\n",
    )
    assert script_heads(merged) == {"0004"}
    (merged / "versions" / "0004_step.py").unlink()
    assert script_heads(merged) == {"0002", "0003"}


@pytest.mark.parametrize(
    "unclear",
    [
        "revision = make_id()\ndown_revision = '0002'\n",  # not a literal
        "revision = '0003'\n",  # no down_revision
        "revision = '0003'\ndown_revision = PARENT\n",
        "revision = '0003'\ndown_revision = '0002'\nbranch_labels = ('x',)\n",
        "revision = '0003'\ndown_revision = '0002'\ndepends_on = '0001'\n",
        "revision = '0002'\ndown_revision = '0001'\n",  # a revision twice
        "down_revision = '0002'\n",
        "revision = '0003'\ndown_revision = '0009'\n",  # a parent no script is
        "revision = '0003'\ndown_revision = '0002'\ndef broken(:\n",
    ],
)
def test_what_is_not_plain_is_left_to_alembic(tmp_path: Path, unclear: str) -> None:
    assert script_heads(_scripts(tmp_path, *CHAIN, unclear)) is None


def test_no_scripts_no_heads(tmp_path: Path) -> None:
    assert script_heads(_scripts(tmp_path)) is None
