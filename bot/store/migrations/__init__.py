"""Alembic migrations: the only way the schema is created.

Run them with ``Store.upgrade()`` or ``newsbot db upgrade``.
"""
