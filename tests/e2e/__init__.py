"""End-to-end tests: the four services as processes (a package so that the system fixture
is stopped when its tests are done, see conftest.py)."""
