"""The admin web's fixtures (accounts, a signed-in browser), shared with the regression tests."""

from tests.admin.conftest import browser, users  # noqa: F401 - fixtures, found by name
