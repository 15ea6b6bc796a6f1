"""Treehole, the instance: web, storage, moderation, policy. Uses `federation/` for the protocol."""
