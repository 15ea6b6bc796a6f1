"""Moderation: one pipeline of ordered checks for every piece of content, and the actions
moderators take. The checks are pure and run with no network access."""
