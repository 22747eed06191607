"""Entry point: ``python -m ordering serve|migrate|migrate-and-serve``."""

import gc
from pathlib import Path

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

if __name__ == "__main__":
    # No garbage collection while starting: what the imports and the app build stays alive,
    # and collecting it over and over cost about 0.15 CPU s a start; the app collects once
    # when it has started, freezes the heap and turns it back on (epurchasing_shared.service).
    gc.disable()

    from epurchasing_shared.cli import service_main
    from ordering.settings import OrderingSettings

    service_main(
        name="ordering",
        settings_factory=OrderingSettings,
        app_factory="ordering.app:create_app",
        migrations_dir=MIGRATIONS,
    )
