"""Cost floors measured in the same run as everything they are compared with.

- signing: RSA-2048 PKCS#1 v1.5 SHA-256 signatures per second on one core, with the key object
  loaded once (as a worker's `PrivateKeys` keeps it for a run); and a whole
  `sign_request_cavage` with that key.
- keygen: RSA-2048 key pairs per second (what a new thread's throwaway actor costs).
- bare verify: requests/s of a Starlette endpoint on uvicorn (1 worker) that does nothing but
  verify one draft-cavage signature per request, under N concurrent loopback clients.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from app.core.clock import utcnow
from bench.activities import FakeActor, build_like, signed_post
from bench.loadgen import Connection, run_closed_loop, timed
from federation.httpsig import sign_request_cavage
from federation.keys import KeyPair, generate_rsa_keypair, load_private_key
from tests.support.servers import run_uvicorn_app

PRESIGNED = 200


def _batches(
    work: object, seconds: float, batch: int, clock: Callable[[], float] = time.perf_counter
) -> float:
    """Median operations per second over batches of `batch` calls, for about `seconds`, timed
    by `clock` (wall time by default; `time.thread_time` gives CPU time, which other processes
    on a shared machine disturb far less)."""
    assert callable(work)
    rates: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(rates) < 3:
        started = clock()
        for _ in range(batch):
            work()
        rates.append(batch / max(1e-9, clock() - started))
    return statistics.median(rates)


def measure_signing(pair: KeyPair, seconds: float = 2.0) -> dict[str, float]:
    key = load_private_key(pair.private_pem)
    message = b"(request-target): post /inbox\nhost: example.org\ndate: x\ndigest: y" * 3
    body = build_like(
        FakeActor("https://b.example/u/x", "https://b.example/u/x#k", "", ""), "https://x/n/1"
    )
    now = utcnow()

    def raw_sign() -> None:
        key.sign(message, padding.PKCS1v15(), hashes.SHA256())

    def cavage() -> None:
        sign_request_cavage(
            "POST",
            "http://127.0.0.2:8000/inbox",
            {"Content-Type": "application/activity+json"},
            body,
            "http://127.0.0.1:8000/b/main#main-key",
            key,
            now,
        )

    return {
        "rsa_sign_per_s": _batches(raw_sign, seconds, 100),
        "cavage_sign_per_s": _batches(cavage, seconds / 2, 100),
        # Signatures per CPU-second of one core: the floor of the CPU model (bench/README.md).
        "rsa_sign_per_cpu_s": _batches(raw_sign, seconds / 2, 100, time.thread_time),
    }


def measure_keygen(count: int = 12) -> float:
    started = time.perf_counter()
    for _ in range(count):
        generate_rsa_keypair()
    return count / (time.perf_counter() - started)


async def measure_bare_verify(
    actor: FakeActor, concurrency: int, duration: float, max_requests: int
) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-verify-") as scratch:
        key_file = Path(scratch) / "public.pem"
        key_file.write_text(actor.public_pem)
        with run_uvicorn_app(
            "bench.verify_app:create_app",
            env={"BENCH_PUBLIC_KEY_FILE": str(key_file)},
            ready_path="/healthz",
            log_dir=Path(scratch),
            extra_args=("--log-level", "warning"),
        ) as server:
            url = f"http://127.0.0.1:{server.port}/inbox"
            now = utcnow() - timedelta(seconds=1)
            requests = [
                signed_post(url, build_like(actor, f"{url}/n/{i}"), actor, now)
                for i in range(PRESIGNED)
            ]
            warm = Connection("127.0.0.1", server.port)
            answer, _ = await timed(warm.request("POST", "/inbox", *requests[0]))
            await warm.close()
            if answer.status != 202:
                raise RuntimeError(f"bare verify endpoint refused a good signature: {answer}")

            async def post(connection: Connection, number: int) -> tuple[int, float]:
                headers, body = requests[number % PRESIGNED]
                answer, latency = await timed(connection.request("POST", "/inbox", headers, body))
                return answer.status, latency

            result = await run_closed_loop(
                "127.0.0.1",
                server.port,
                post,
                concurrency=concurrency,
                duration=duration,
                max_iterations=max_requests,
            )
    return {
        "verify_per_s": result.rate(202),
        "requests": result.count,
        "refused": result.count - result.ok(202),
        "errors": result.errors,
        "p50_ms": result.percentile(50) * 1000,
        "p99_ms": result.percentile(99) * 1000,
        "concurrency": concurrency,
    }
