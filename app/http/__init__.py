"""HTTP plumbing shared by the two HTTP adapters, web/ (pages and forms) and api/ (ActivityPub,
well-known, Mastodon-compatible and FIRES APIs): middleware and the services a request is given."""
