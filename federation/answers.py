"""What one outgoing HTTP exchange answered, read within its caps.

Owns the `Fetched` value both HTTP paths (httpx's fetches, aiohttp's deliveries) hand back, and
the two readers they share: the body up to a byte cap, and the headers as one dict. The header
and line limits themselves are the libraries' (h11 through httpcore, aiohttp's parser).
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable
from dataclasses import dataclass, field

from federation.errors import FetchTooLarge


@dataclass(frozen=True, slots=True)
class Fetched:
    """One HTTP answer: status, headers with lowercased names, the (capped) body and its URL."""

    status_code: int
    headers: dict[str, str] = field(repr=False)
    body: bytes = field(repr=False)
    url: str = field(repr=False)


async def read_capped(chunks: AsyncIterable[bytes], declared: str | None, max_bytes: int) -> bytes:
    """A response body, refused (FetchTooLarge) once it is, or says it will be, over
    `max_bytes`: a declared length is checked before anything is read."""
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise FetchTooLarge(f"declared {declared} bytes")
    body = bytearray()
    async for chunk in chunks:
        body += chunk
        if len(body) > max_bytes:
            raise FetchTooLarge(f"more than {max_bytes} bytes")
    return bytes(body)


def header_dict(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers by lowercased name; repeated names joined with ", " (RFC 9110 §5.3), in linear
    time: joining by repeated string concatenation is quadratic in the number of repeats."""
    collected: dict[str, list[str]] = {}
    for name, value in pairs:
        collected.setdefault(name.lower(), []).append(value)
    return {name: ", ".join(values) for name, values in collected.items()}
