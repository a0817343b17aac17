"""Installed into every ``python -m triage`` the tests start (via PYTHONPATH)."""

import guard

guard.install()
