"""The ActivityPub protocol: signatures, AS2, fetching and delivery; never imports `app`."""
