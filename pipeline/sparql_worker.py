"""One query of the /sparql endpoint, in a process of its own: Oxigraph cannot stop a running
query, so the endpoint kills this process when the time limit passes.

stdin: a JSON request; stdout: one JSON line (the outcome), then the response body.
"""

from __future__ import annotations

import json
import resource
import sys
from pathlib import Path

from pipeline import query, store
from pipeline.errors import MiraiError


def answer(request: dict[str, object]) -> tuple[dict[str, object], bytes]:
    limit = request["max_rows"]
    assert isinstance(limit, int)
    try:
        result = query.run(store.open_store(Path(str(request["build_dir"]))),
                           str(request["query"]), max_rows=limit, allow_service=False,
                           default_graphs=list(request["default_graphs"]),  # type: ignore[call-overload]
                           named_graphs=list(request["named_graphs"]),  # type: ignore[call-overload]
                           prefixes=dict(request["prefixes"]))  # type: ignore[call-overload]
        kind = "boolean" if isinstance(result, query.Boolean) else (
            "triples" if isinstance(result, query.Triples) else "solutions")
        fmt = request["formats"][kind]  # type: ignore[index]
        body = query.render(result, str(fmt), dict(request["prefixes"]))  # type: ignore[call-overload]
        truncated = not isinstance(result, query.Boolean) and result.truncated
        rows = (len(result.rows) if isinstance(result, query.Solutions) else
                len(result.triples) if isinstance(result, query.Triples) else 1)
        return {"status": 200, "kind": kind, "format": fmt, "truncated": truncated,
                "rows": rows}, body
    except query.ForbiddenQuery as error:
        return {"status": 403, "message": error.message}, b""
    except query.QuerySyntaxError as error:
        return {"status": 400, "message": error.format()}, b""
    except store.StoreError as error:
        return {"status": 503, "message": error.message}, b""
    except MiraiError as error:
        return {"status": 400, "message": error.message}, b""
    except OSError as error:
        return {"status": 500, "message": f"query failed: {error}"}, b""


def main() -> None:
    request = json.loads(sys.stdin.buffer.read())
    memory = int(request["memory_bytes"])
    if memory:
        # A query that sorts a huge intermediate result fails here instead of exhausting the
        # machine's memory.
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    outcome, body = answer(request)
    sys.stdout.buffer.write(json.dumps(outcome).encode() + b"\n" + body)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
