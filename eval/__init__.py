"""The moderation evaluation: a labelled corpus (data/) and `make eval` (run.py)."""
