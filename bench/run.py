"""`make bench`: every measurement next to its floor, measured in the same run.

Prints a table, writes bench/results/<stamp>.json, latest.json and <stamp>.svg. All load goes
to 127.0.0.0/8 and every loop is bounded by count and time. About 3–5 minutes on 2 cores.
"""

from __future__ import annotations

import asyncio
import os
import platform
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import fanout, floors, instance, moderation, report, seed
from bench.activities import FakeActor
from bench.fleet import DOMAIN
from bench.keys import make_keypairs
from tests.support.tls import LocalCA

CLIENTS = 50
LOAD_SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "8"))
INTAKE_REQUESTS = 8000
SIGNERS = 40  # the inbox accepts 300 activities per actor per 5 min (InboxLimits)
POOL_KEYS = 2500
SIZES = {"1x": 1_000, "10x": 10_000}  # stored notes and followers
INTAKE_TARGET = 0.50
POST_P99_TARGET_MS = 100.0
PACED_SHARE = 0.5  # of the saturated throughput
GROWTH_TOLERANCE = 0.75  # 10× data may cost at most ~1/0.75 of the 1× per-request cost


def engines() -> list[str]:
    found = ["sqlite"]
    base = seed.postgres_base_url()
    if base and asyncio.run(seed.postgres_reachable(base)):
        found.append("postgresql")
    return found


def fake_actors(count: int) -> list[FakeActor]:
    pairs = make_keypairs(count)
    actors = []
    for i, pair in enumerate(pairs):
        ap_id = f"http://127.0.0.{10 + i}:9/users/signer{i}"
        actors.append(FakeActor(ap_id, f"{ap_id}#main-key", pair.private_pem, pair.public_pem))
    return actors


def run_floors(signer: FakeActor, pair: Any) -> dict[str, Any]:
    print("floors: signing, keygen, bare verify …", flush=True)
    signing = floors.measure_signing(pair)
    keygen = floors.measure_keygen()
    verify = asyncio.run(floors.measure_bare_verify(signer, CLIENTS, LOAD_SECONDS, 200_000))
    return {**signing, "keygen_per_s": keygen, "bare_verify": verify}


def run_fanout(engine_list: list[str], scratch: Path) -> dict[str, list[dict[str, Any]]]:
    """Every fan-out variant on every engine, against a TLS fleet and a plain one."""
    results: dict[str, list[dict[str, Any]]] = {}
    ca = LocalCA("Treehole bench fleet CA")
    certificate = ca.issue([f"*.{DOMAIN}"]).write(scratch / "fleet-tls")
    keys = {tls: scratch / f"board-public-{'tls' if tls else 'plain'}.pem" for tls in (True, False)}
    for key_file in keys.values():
        key_file.write_text("")
    with (
        fanout.run_fleet(keys[True], scratch / "fleet-tls.log", certificate) as tls_fleet,
        fanout.run_fleet(keys[False], scratch / "fleet-plain.log", None) as plain_fleet,
    ):
        fleets = {True: tls_fleet, False: plain_fleet}
        for fleet in fleets.values():
            fanout.wait_listening(fleet, ca)
        for engine in engine_list:
            urls = {
                tls: asyncio.run(fanout.prepare(engine, scratch, fleet, keys[tls]))
                for tls, fleet in fleets.items()
            }
            try:
                if not results:
                    print("fan-out ceilings (sign + POST, no queue) …", flush=True)
                    results["ceiling"] = [
                        fanout.run_ceiling(urls[tls], fleet, ca) for tls, fleet in fleets.items()
                    ]
                results[engine] = []
                for variant in fanout.variants():
                    print(f"fan-out [{engine}] {variant.name} …", flush=True)
                    url, fleet = urls[variant.tls], fleets[variant.tls]
                    results[engine].append(fanout.run_variant(url, variant, fleet, ca))
            finally:
                for url in urls.values():
                    asyncio.run(seed.drop_database(url))
    return results


async def _seed_instance_db(
    engine: str, scratch: Path, size: int, signers: list[FakeActor], pairs: list[Any]
) -> str:
    url = await seed.create_database(engine, scratch)
    db = await seed.open_db(url)
    try:
        board, board_actor = await seed.board_and_actor(db)
        await seed.add_followers_bulk(
            db, board_actor, size, lambda n: f"http://127.0.0.{2 + n % 100}:9/inbox/{n}"
        )
        await seed.add_notes_bulk(db, board, board_actor, size)
        await seed.add_signers(db, signers)
        await seed.fill_key_pool(db, pairs, POOL_KEYS)
    finally:
        await seed.close_db(db)
    return url


def run_instance(
    engine: str, scratch: Path, label: str, size: int, signers: list[FakeActor], pairs: list[Any]
) -> dict[str, Any]:
    print(f"instance [{engine}] {label}: seeding {size} notes + followers …", flush=True)
    url = asyncio.run(_seed_instance_db(engine, scratch, size, signers, pairs))
    loads = os.environ.get("BENCH_LOADS", "intake,posting").split(",")
    result: dict[str, Any] = {"size": size}
    try:
        with instance.start_instance(url, scratch) as server:
            if "intake" in loads:
                requests = instance.presign(f"{server.url}/inbox", signers, INTAKE_REQUESTS)
                print(f"instance [{engine}] {label}: intake …", flush=True)
                result["intake"] = asyncio.run(
                    instance.measure_intake(server, requests, CLIENTS, LOAD_SECONDS)
                )
            if "posting" in loads:
                print(f"instance [{engine}] {label}: posting …", flush=True)
                result["posting"] = posting = asyncio.run(
                    instance.measure_posting(server, CLIENTS, LOAD_SECONDS, POOL_KEYS // 2)
                )
                # The same clients at half the throughput they saturated at: the latency a
                # visitor sees while the instance is busy but not overrun.
                pace = max(1.0, posting["posts_per_s"] * PACED_SHARE)
                print(f"instance [{engine}] {label}: posting at {pace:.0f}/s …", flush=True)
                result["posting_paced"] = asyncio.run(
                    instance.measure_posting(
                        server, CLIENTS, LOAD_SECONDS, POOL_KEYS // 2 - 100, rate=pace,
                        first=POOL_KEYS,
                    )
                )  # fmt: skip
    finally:
        asyncio.run(seed.drop_database(url))
    return result


CORES = 2


def cpu_model(variant: dict[str, Any]) -> float:
    """Deliveries/s this variant's measured CPU costs allow on CORES otherwise idle cores: the
    event loop's thread cannot exceed one core, and the worker's threads plus the fleet (which
    shares the cores) cannot exceed them all. CPU time is what a shared machine disturbs least."""
    loop = variant["loop_cpu_ms_per_delivery"] / 1000
    everything = (variant["cpu_ms_per_delivery"] + variant["fleet_cpu_ms_per_delivery"]) / 1000
    return min(1 / max(loop, 1e-9), CORES / max(everything, 1e-9))


def summary_rows(results: dict[str, Any]) -> list[dict[str, Any]]:
    fl = results["floors"]
    sign, verify = fl["rsa_sign_per_s"], fl["bare_verify"]["verify_per_s"]
    rows: list[dict[str, Any]] = [
        {"name": "floor: RSA-2048 sign, 1 core", "value": sign, "unit": "/s"},
        {"name": "floor: sign_request_cavage, 1 core", "value": fl["cavage_sign_per_s"],
         "unit": "/s"},
        {"name": "floor: RSA-2048 keygen, 1 core", "value": fl["keygen_per_s"], "unit": "/s"},
        {"name": f"floor: bare verify endpoint, {CLIENTS} clients", "value": verify,
         "unit": "req/s"},
    ]  # fmt: skip
    sign_cpu = fl.get("rsa_sign_per_cpu_s")
    if sign_cpu:
        rows.append({"name": "floor: RSA-2048 sign per CPU-second, 1 core", "value": sign_cpu,
                     "unit": "/cpu-s"})  # fmt: skip
    for engine, variants in results["fanout"].items():
        for v in variants:
            ratio = v["deliveries_per_s"] / sign
            if engine == "ceiling":
                rows.append({
                    "name": f"fan-out {v['variant']}", "value": v["deliveries_per_s"],
                    "unit": "deliv/s", "floor": sign, "ratio": ratio,
                })  # fmt: skip
                continue
            row = {
                "name": f"fan-out {engine}: {v['variant']}", "value": v["deliveries_per_s"],
                "unit": "deliv/s", "floor": sign, "ratio": ratio,
            }  # fmt: skip
            target = v.get("target")
            if target is not None:
                row |= {
                    "target": f"≥{target:.0%} of sign", "target_ratio": target,
                    "met": ratio >= target,
                }  # fmt: skip
            rows.append(row)
            if sign_cpu and "fleet_cpu_ms_per_delivery" in v:
                model = cpu_model(v)
                rows.append({
                    "name": f"  … CPU model on {CORES} idle cores (see README)", "value": model,
                    "unit": "deliv/s", "floor": sign_cpu, "ratio": model / sign_cpu,
                })  # fmt: skip
    for engine, sizes in results["instance"].items():
        for label, run in sizes.items():
            if "intake" not in run:
                continue
            rate = run["intake"]["accepted_per_s"]
            rows.append({
                "name": f"intake {engine} {label}", "value": rate, "unit": "acc/s",
                "floor": verify, "ratio": rate / verify, "target": "≥50% of verify",
                "target_ratio": INTAKE_TARGET, "met": rate / verify >= INTAKE_TARGET,
            })  # fmt: skip
        for label, run in sizes.items():
            if "posting" not in run:
                continue
            p99 = run["posting"]["p99_ms"]
            rows.append({
                "name": f"posting {engine} {label}: p99 (p50 {run['posting']['p50_ms']:.0f} ms)",
                "value": p99, "unit": "ms", "ratio": p99 / POST_P99_TARGET_MS,
                "target": "p99 ≤ 100 ms", "target_ratio": 1.0, "met": p99 <= POST_P99_TARGET_MS,
            })  # fmt: skip
            rows.append({
                "name": f"posting {engine} {label}: throughput",
                "value": run["posting"]["posts_per_s"], "unit": "posts/s",
            })  # fmt: skip
            if "posting_paced" in run:
                paced = run["posting_paced"]
                rows.append({
                    "name": f"posting {engine} {label} at {paced['rate']:.0f}/s (50% load): p99 "
                    f"(p50 {paced['p50_ms']:.0f} ms, lag {paced['max_lag_ms']:.0f} ms)",
                    "value": paced["p99_ms"], "unit": "ms",
                    "ratio": paced["p99_ms"] / POST_P99_TARGET_MS,
                })  # fmt: skip
        if {"1x", "10x"} <= sizes.keys():
            small, big = sizes["1x"], sizes["10x"]
            growth = []
            if "intake" in small:
                rates = (big["intake"]["accepted_per_s"], small["intake"]["accepted_per_s"])
                growth.append(("intake rate", rates[0] / max(1e-9, rates[1])))
            if "posting" in small:
                p50s = (small["posting"]["p50_ms"], big["posting"]["p50_ms"])
                growth.append(("posting p50", p50s[0] / max(1e-9, p50s[1])))
            for name, ratio in growth:
                rows.append({
                    "name": f"growth {engine}: {name}, 10× data vs 1×", "value": ratio * 100,
                    "unit": "% of 1× speed", "ratio": ratio, "target": "≥75% (no growth)",
                    "target_ratio": GROWTH_TOLERANCE, "met": ratio >= GROWTH_TOLERANCE,
                })  # fmt: skip
    return rows


def main() -> int:
    started = time.perf_counter()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    scratch = Path(tempfile.mkdtemp(prefix="treehole-bench-"))
    try:
        engine_list = [e for e in engines() if e in os.environ.get("BENCH_ENGINES", e)]
        print(f"engines: {', '.join(engine_list)}", flush=True)
        signers = fake_actors(SIGNERS + 2)
        pairs = [FakeActorPair(a) for a in signers[SIGNERS:]]
        signers = signers[:SIGNERS]
        results: dict[str, Any] = {
            "stamp": stamp,
            "machine": {"python": sys.version.split()[0], "cpus": os.cpu_count(),
                        "platform": platform.platform()},
            "settings": {"clients": CLIENTS, "load_seconds": LOAD_SECONDS,
                         "fanout_inboxes": fanout.INBOXES, "fanout_hosts": fanout.HOSTS,
                         "sizes": SIZES},
        }  # fmt: skip
        phases = os.environ.get("BENCH_PHASES", "floors,fanout,instance,moderation").split(",")
        results["floors"] = run_floors(signers[0], pairs[0])
        results["fanout"] = run_fanout(engine_list, scratch) if "fanout" in phases else {}
        results["instance"] = (
            {}
            if "instance" not in phases
            else {
                engine: {
                    label: run_instance(engine, scratch, label, size, signers, pairs)
                    for label, size in SIZES.items()
                    if label in os.environ.get("BENCH_SIZES", "1x,10x").split(",")
                }
                for engine in engine_list
            }
        )
        results["moderation"] = moderation.run_moderation() if "moderation" in phases else {}
        results["seconds"] = time.perf_counter() - started
        rows = summary_rows(results)
        if results["moderation"]:
            rows += moderation.summary_rows(results["moderation"])
        results["summary"] = rows
        print()
        report.print_table(rows)
        for path in report.write_results(stamp, results, rows):
            print(f"wrote {path}")
        print(f"bench took {results['seconds']:.0f} s")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


class FakeActorPair:
    """A FakeActor's key pair seen as a KeyPair (for the key pool and the signing floor)."""

    def __init__(self, actor: FakeActor) -> None:
        self.private_pem = actor.private_pem
        self.public_pem = actor.public_pem


if __name__ == "__main__":
    sys.exit(main())
