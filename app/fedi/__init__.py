"""The instance's side of federation: what comes in (inbound, the inbox door's cache and writer),
what goes out (outbound), remote actors, and the AS2 documents we serve."""
