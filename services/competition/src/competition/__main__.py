"""Entry point: ``python -m competition serve|migrate|migrate-and-serve``."""

from pathlib import Path

from competition.settings import CompetitionSettings
from epurchasing_shared.cli import service_main

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

if __name__ == "__main__":
    service_main(
        name="competition",
        settings_factory=CompetitionSettings,
        app_factory="competition.app:create_app",
        migrations_dir=MIGRATIONS,
    )
