"""The ground floor: clock, ids, errors, our URLs, settings, state graphs, languages and logging.
Imports nothing else of `app/`; every other package may import it."""
