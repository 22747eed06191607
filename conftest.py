"""Root conftest: the shared fixtures (real broker and database, exchange spy, tokens)."""

pytest_plugins = ["epurchasing_shared.testing.plugin"]
