"""A bounded load test of a server on this machine: N clients for T seconds, counting every
answer that is not what the request should get, with throughput and latency percentiles."""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

# (path, Accept header, expected status): a mix of what browsers and RDF clients send.
Request = tuple[str, str | None, int]


@dataclass(frozen=True)
class LoadResult:
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run(host: str, port: int, requests: Sequence[Request], clients: int = 8,
        seconds: float = 3.0, max_requests: int = 100_000) -> LoadResult:
    """Loopback only: the caller starts the server; every client stops by itself."""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("load tests send traffic to this machine only")
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(offset: int) -> None:
        nonlocal errors
        connection = http.client.HTTPConnection(host, port, timeout=10)
        n = offset
        mine: list[float] = []
        bad = 0
        while time.perf_counter() < deadline and n < max_requests:
            path, accept, expected = requests[n % len(requests)]
            n += clients
            headers = {"Accept": accept} if accept else {}
            start = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != expected:
                    bad += 1
            except (OSError, http.client.HTTPException):
                bad += 1
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=10)
            mine.append(time.perf_counter() - start)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors += bad

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies) or [0.0]
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return LoadResult(len(latencies), errors, elapsed, statistics.median(ordered) * 1000,
                      p99 * 1000)
