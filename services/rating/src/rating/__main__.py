"""Entry point: ``python -m rating serve|migrate|migrate-and-serve``."""

from pathlib import Path

from epurchasing_shared.cli import service_main
from rating.settings import RatingSettings

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

if __name__ == "__main__":
    service_main(
        name="rating",
        settings_factory=RatingSettings,
        app_factory="rating.app:create_app",
        migrations_dir=MIGRATIONS,
    )
