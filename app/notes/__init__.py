"""What a poster does with notes: post, reply, like, delete, read the ledger; the throwaway
actors and pseudonyms that keep posters unlinkable."""
