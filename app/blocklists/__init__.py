"""Blocklist sharing: domain blocks with provenance, Mastodon-compatible formats and imports."""
