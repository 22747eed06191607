"""Entry point: ``python -m ordering serve|migrate|migrate-and-serve``."""

from pathlib import Path

from epurchasing_shared.cli import service_main
from ordering.settings import OrderingSettings

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

if __name__ == "__main__":
    service_main(
        name="ordering",
        settings_factory=OrderingSettings,
        app_factory="ordering.app:create_app",
        migrations_dir=MIGRATIONS,
    )
