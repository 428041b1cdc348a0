"""Load test of `mirai-lod serve` on loopback against a built publication, bounded in clients
and time:  python bench/load.py [--dir build] [--clients 8] [--seconds 10]"""

from __future__ import annotations

import argparse
import threading
from pathlib import Path

from pipeline.loadtest import run
from pipeline.serve import make_server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=Path("build"))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    pages = sorted(args.dir.glob("municipality/*.html"))[:200]
    resources = [f"/{p.relative_to(args.dir).with_suffix('')}" for p in pages]
    requests = [(r, accept, 303) for r in resources
                for accept in (None, "text/turtle", "application/ld+json;q=0.9, */*;q=0.1")]
    requests += [(f"{r}.html", None, 200) for r in resources]
    server = make_server(args.dir, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        result = run("127.0.0.1", server.server_address[1], requests, args.clients, args.seconds)
    finally:
        server.shutdown()
        server.server_close()
    print(f"{args.clients} clients, {result.seconds:.1f} s: {result.requests} requests, "
          f"{result.per_second:.0f}/s, p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, "
          f"{result.errors} errors")


if __name__ == "__main__":
    main()
