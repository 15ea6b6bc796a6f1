"""Alembic migrations; run by `treehole migrate` (and `treehole serve` on start)."""
