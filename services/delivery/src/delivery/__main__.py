"""Entry point: ``python -m delivery serve|migrate|migrate-and-serve``."""

import gc
from pathlib import Path

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

if __name__ == "__main__":
    # No garbage collection while starting: what the imports and the app build stays alive,
    # and collecting it over and over cost about 0.15 CPU s a start; the app collects once
    # when it has started, freezes the heap and turns it back on (epurchasing_shared.service).
    gc.disable()

    from delivery.settings import DeliverySettings
    from epurchasing_shared.cli import service_main

    service_main(
        name="delivery",
        settings_factory=DeliverySettings,
        app_factory="delivery.app:create_app",
        migrations_dir=MIGRATIONS,
    )
