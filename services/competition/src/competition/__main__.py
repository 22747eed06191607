"""Entry point: ``python -m competition serve|migrate|migrate-and-serve``."""

import gc
from pathlib import Path

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"

if __name__ == "__main__":
    # No garbage collection while starting: what the imports and the app build stays alive,
    # and collecting it over and over cost about 0.15 CPU s a start; the app collects once
    # when it has started, freezes the heap and turns it back on (epurchasing_shared.service).
    gc.disable()

    from competition.settings import CompetitionSettings
    from epurchasing_shared.cli import service_main

    service_main(
        name="competition",
        settings_factory=CompetitionSettings,
        app_factory="competition.app:create_app",
        migrations_dir=MIGRATIONS,
    )
