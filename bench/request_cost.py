"""What one request costs the web worker, without load: the bare one-row insert beside the write-behind intake.

Runs the requests in this process through Django's WSGI handler, one after another, as a gunicorn worker
does (the middleware, the URL resolver, ninja, the database round trips), on PostgreSQL with durability on.
Prints for each endpoint the worker's CPU per request (µs, ``time.process_time``) and its PostgreSQL backend's,
the wall time per request (CPU plus the waits for the database and the commit's fsync), the statements sent to
the server (each a round trip, Django's health check included) and the Python function calls per request. The
last two do not depend on what else the machine runs; the CPU figures much less than bench/intake.py's rates,
though on a busy machine they still vary by a fifth from run to run: compare runs made one after the other. ``--profile N`` prints the functions the write-behind request spends its time in.

    .venv/bin/python bench/request_cost.py [--requests 2000] [--profile 30]
"""

from __future__ import annotations

# isort: off
import _support  # first: it moves bench/ to the end of sys.path (bench/queue.py shadows the standard queue)

# isort: on
import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

from _support import prepare_database, setup_django
from intake import BODY


@contextlib.contextmanager
def sent_to_server() -> Iterator[list[str]]:
    """Every statement psycopg sends, Django's health check and transaction control included (each one a round
    trip): what Django's CaptureQueriesContext shows, and what it does not."""
    import psycopg

    sent: list[str] = []
    execute = psycopg.Cursor.execute

    def noting(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(query if isinstance(query, str) else repr(query))
        return execute(self, query, *args, **kwargs)

    psycopg.Cursor.execute = noting  # type: ignore[method-assign]
    try:
        yield sent
    finally:
        psycopg.Cursor.execute = execute  # type: ignore[method-assign]


def backend_cpu(pid: int) -> float:
    """Seconds of CPU the PostgreSQL backend ``pid`` has used (same machine; 0 when it cannot be read)."""
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000, help="requests measured per endpoint")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; the best round is reported")
    parser.add_argument("--prepared", action="store_true", help="the database is migrated and loaded already")
    parser.add_argument("--profile", type=int, default=0, help="print this many functions of a profile")
    parser.add_argument(
        "--extra-calls",
        type=int,
        default=0,
        help="print this many functions the intake calls more often than the bare insert",
    )
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    with _support.given_or_durable_postgres() as url:
        os.environ["DATABASE_URL"] = url
        os.environ.update({"DEBUG": "false", "XIAOBAO_BENCH_ENDPOINTS": "1", "XIAOBAO_INTAKE_IMMEDIATE": "0"})
        run(args)


def run(args: argparse.Namespace) -> None:
    if not args.prepared:
        prepare_database()
    setup_django()
    from django.db import connection

    from xiaobao.config.wsgi import application
    from xiaobao.identity.actions import staff_key_issue
    from xiaobao.identity.actors import actor_for_user
    from xiaobao.identity.models import Branch, Consumer, Staff
    from xiaobao.ops.warmup import warm_and_freeze

    staff = Staff.objects.get(user__username="anhe.handler")
    _, token = staff_key_issue(actor=actor_for_user(staff.user), label="bench")
    body_of: dict[str, object] = {
        **BODY,
        "handling_branch_id": Branch.objects.get(insurer=staff.insurer, code="LN-SY").pk,
        "complainant_id": Consumer.objects.get(user__username="consumer.elder").pk,
    }
    template = json.dumps(body_of, ensure_ascii=False)
    connection.close()  # the requests open their own, as a worker's first request does
    warm_and_freeze()  # as gunicorn's post_worker_init

    counter = iter(range(10**9))

    def environ(path: str, headers: dict[str, str]) -> dict[str, Any]:
        n = next(counter)
        key = f"cost-{os.getpid()}-{n}"
        body = template.replace("{{n}}", key).encode()
        env = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_HOST": "127.0.0.1:8000",
            "HTTP_IDEMPOTENCY_KEY": key,
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        env.update({"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()})
        return env

    statuses: dict[str, set[str]] = {}

    def one(name: str, path: str, headers: dict[str, str]) -> None:
        def start_response(status: str, _headers: list[tuple[str, str]], *_: object) -> None:
            statuses.setdefault(name, set()).add(status[:3])

        response = application(environ(path, headers), start_response)
        b"".join(response)
        response.close()  # type: ignore[attr-defined]  (request_finished: the connection kept or closed)

    endpoints: dict[str, Callable[[], None]] = {
        "bare insert": lambda: one("bare insert", "/bench/bare-insert", {}),
        "write-behind intake": lambda: one(
            "write-behind intake", "/api/v1/complaints", {"Authorization": f"Bearer {token}"}
        ),
    }
    for call in endpoints.values():
        for _ in range(200):
            call()
    best: dict[str, tuple[float, float, float]] = {}
    for _round in range(args.rounds):
        for name, call in endpoints.items():
            call()
            backend = connection.connection.info.backend_pid
            server, cpu, wall = backend_cpu(backend), time.process_time(), time.perf_counter()
            for _ in range(args.requests):
                call()
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            if connection.connection.info.backend_pid != backend:
                continue  # the connection was replaced (CONN_MAX_AGE) midway: its server's CPU is lost
            server = backend_cpu(backend) - server
            per = (cpu / args.requests * 1e6, server / args.requests * 1e6, wall / args.requests * 1e6)
            best[name] = min(best.get(name, per), per)
    statements: dict[str, list[str]] = {}
    calls: dict[str, float] = {}
    profiles: dict[str, pstats.Stats] = {}
    for name, call in endpoints.items():
        call()  # the connection is open: what follows are requests on a kept connection
        with sent_to_server() as sent:
            call()
        statements[name] = sent
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(50):
            call()
        profile.disable()
        calls[name] = pstats.Stats(profile).total_calls / 50  # type: ignore[attr-defined]
        profiles[name] = pstats.Stats(profile)
    print(f"{args.requests} requests per endpoint, best of {args.rounds} rounds, one after another in this process")
    for name, (cpu, server, wall) in best.items():
        print(
            f"{name:<20} CPU {cpu:5.0f} µs/request + PostgreSQL's {server:5.0f} µs  wall {wall:6.0f} µs/request  "
            f"{len(statements[name])} statements  {calls[name]:6.0f} Python calls/request  "
            f"(status {', '.join(sorted(statuses[name]))})"
        )
    bare, full = best["bare insert"], best["write-behind intake"]
    print(
        f"bare insert / write-behind intake: worker CPU {bare[0] / full[0]:.2f}, "
        f"worker + PostgreSQL CPU {(bare[0] + bare[1]) / (full[0] + full[1]):.2f}"
    )
    for name, sqls in statements.items():
        for sql in sqls:
            print(f"  {name}: {sql[:150]}")
    if args.extra_calls:
        print_extra_calls(profiles["write-behind intake"], profiles["bare insert"], args.extra_calls)
    if args.profile:
        profile = cProfile.Profile(time.process_time)  # CPU, not the waits for the database
        profile.enable()
        for _ in range(500):
            endpoints["write-behind intake"]()
        profile.disable()
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        stats.sort_stats("cumulative").print_stats(args.profile)
        stats.sort_stats("tottime").print_stats(args.profile)
        print(out.getvalue())
        print_layers(stats)


def print_extra_calls(full: pstats.Stats, bare: pstats.Stats, many: int) -> None:
    """The functions called more often per request by the intake than by the bare insert (50 requests each)."""
    counts = {key: row[1] for key, row in bare.stats.items()}  # type: ignore[attr-defined]
    extra = sorted(
        ((row[1] - counts.get(key, 0)) / 50, key)
        for key, row in full.stats.items()  # type: ignore[attr-defined]
    )[::-1][:many]
    print("calls per request beyond the bare insert's:")
    for more, (filename, line, function) in extra:
        print(f"  {more:6.0f}  {filename.split('site-packages/')[-1].split('src/')[-1]}:{line}({function})")


LAYERS = (
    ("django/db/", "Django ORM and database layer"),
    ("django/", "Django (handler, middleware, http)"),
    ("ninja/", "django-ninja"),
    ("pydantic", "pydantic"),
    ("psycopg", "psycopg"),
    ("xiaobao/", "xiaobao"),
    ("cryptography", "cryptography"),
)


def print_layers(stats: pstats.Stats) -> None:
    """The profiled CPU by the layer whose code spent it (each function's own time, not its callees')."""
    spent: dict[str, float] = {}
    for (filename, _, _), (_, _, own, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        layer = next((name for part, name in LAYERS if part in filename), "Python and the rest")
        spent[layer] = spent.get(layer, 0.0) + own
    total = sum(spent.values())
    for layer, seconds in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"  {layer:40} {100 * seconds / total:5.1f} %")


if __name__ == "__main__":
    main()
