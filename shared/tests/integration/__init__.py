"""The spine's integration tests (a package, so that the database engine they share is
disposed when they are done)."""
