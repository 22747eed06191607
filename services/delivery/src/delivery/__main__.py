"""Entry point: ``python -m delivery serve|migrate|migrate-and-serve``."""

from pathlib import Path

from delivery.settings import DeliverySettings
from epurchasing_shared.cli import service_main

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

if __name__ == "__main__":
    service_main(
        name="delivery",
        settings_factory=DeliverySettings,
        app_factory="delivery.app:create_app",
        migrations_dir=MIGRATIONS,
    )
