"""The fan-out receiver: ONE process serving 100 loopback hosts (127.0.0.2 … 127.0.0.101).

A raw ASGI app on one uvicorn server with one listening socket per address, all on one port,
over TLS when given a certificate (the bench issues one for `*.fleet.test` from a CA of its
own; clients reach `h001.fleet.test` … through a resolver that maps each name to its address).
It answers every POST with 202 and verifies one signature in `--sample` with our verifier
against the board key in `--public-key` (read again for every sample), counting
verified/failed. `GET /stats` answers the counts as JSON. Prints `PORT <n>` once it listens.

    python -m bench.fleet --hosts 100 --sample 20 --public-key FILE [--cert PEM --key PEM]
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import sys
from pathlib import Path
from typing import Any

import uvicorn

from app.core.clock import utcnow
from federation.errors import SignatureError
from federation.httpsig import parse_signed_request, verify_signed_request

FIRST_HOST = 2
PORT_ATTEMPTS = 20
DOMAIN = "fleet.test"  # under .test (RFC 2606): never a real name


def fleet_addresses(hosts: int) -> list[str]:
    return [f"127.0.0.{FIRST_HOST + i}" for i in range(hosts)]


def fleet_names(hosts: int) -> list[str]:
    """The host names of the fleet, in the order of `fleet_addresses`."""
    return [f"h{i + 1:03d}.{DOMAIN}" for i in range(hosts)]


class Fleet:
    def __init__(self, public_key: Path, sample: int, scheme: str) -> None:
        self.public_key = public_key
        self.sample = sample
        self.scheme = scheme
        self.pem: str | None = None
        self.counts = {"received": 0, "verified": 0, "failed": 0}
        self.hosts: set[str] = set()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (message := await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        if scope["method"] == "GET":
            payload = json.dumps({**self.counts, "hosts": len(self.hosts)}).encode()
            await _answer(send, 200, payload)
            return
        self.counts["received"] += 1
        self.hosts.add(scope["server"][0])
        if self.counts["received"] % self.sample == 0:
            self._verify(scope, body)
        await _answer(send, 202, b"")

    def _verify(self, scope: dict[str, Any], body: bytes) -> None:
        # Re-read each time: each database of the run has its own board key (1 in `sample`).
        self.pem = self.public_key.read_text()
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            signed = parse_signed_request(
                "POST", scope["path"], headers, body, utcnow(), url_scheme=self.scheme
            )
            verify_signed_request(signed, self.pem)
        except SignatureError:
            self.counts["failed"] += 1
        else:
            self.counts["verified"] += 1


async def _answer(send: Any, status: int, body: bytes) -> None:
    headers = [(b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def bind_all(addresses: list[str]) -> tuple[int, list[socket.socket]]:
    """One listening socket per address, all on the same free port."""
    for _ in range(PORT_ATTEMPTS):
        port = random.randint(20000, 60000)
        sockets: list[socket.socket] = []
        try:
            for address in addresses:
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sockets.append(sock)
                sock.bind((address, port))
                sock.listen(1024)
        except OSError:
            for sock in sockets:
                sock.close()
            continue
        return port, sockets
    raise RuntimeError("no port free on every fleet address")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--sample", type=int, default=20)
    parser.add_argument("--public-key", type=Path, required=True)
    parser.add_argument("--cert", type=Path, help="certificate chain (PEM): serve TLS")
    parser.add_argument("--key", type=Path, help="the certificate's private key (PEM)")
    args = parser.parse_args()
    port, sockets = bind_all(fleet_addresses(args.hosts))
    tls = args.cert is not None
    config = uvicorn.Config(
        Fleet(args.public_key, args.sample, "https" if tls else "http"),
        log_level="warning",
        access_log=False,
        lifespan="on",
        backlog=1024,
        ssl_certfile=str(args.cert) if tls else None,
        ssl_keyfile=str(args.key) if tls else None,
    )
    print(f"PORT {port}", flush=True)
    uvicorn.Server(config).run(sockets=sockets)
    sys.exit(0)


if __name__ == "__main__":
    main()
