"""Importable for the tests only (see ``tools/__init__.py``)."""
