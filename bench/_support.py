"""Shared by the benchmarks: a Django set-up on the bench database, a gunicorn to load, wrk to load it."""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]

# bench/queue.py is named like the standard library module Django needs: look in bench/ last.
_BENCH = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if str(Path(p or ".").resolve()) != _BENCH] + [_BENCH]
BIN = Path(sys.executable).parent


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xiaobao.config.settings")
    sys.path.insert(0, str(PROJECT / "src"))
    import django

    django.setup()


def require_postgres() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("run through scripts/with-postgres.sh, e.g. scripts/with-postgres.sh .venv/bin/python bench/intake.py")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def gunicorn(env: dict[str, str], args: argparse.Namespace, *, quiet: bool = False) -> Iterator[str]:
    """gunicorn as deployed (xiaobao/config/gunicorn.py), with the workers the arguments ask for, no access log;
    ``quiet`` drops its error log too (a drill that restarts the database expects errors)."""
    port = free_port()
    process = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "--config",
            "python:xiaobao.config.gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            "--log-level",
            "warning",
            "xiaobao.config.wsgi",
        ],
        cwd=PROJECT,
        env={
            **os.environ,
            **env,
            "WEB_CONCURRENCY": str(args.workers),
            "GUNICORN_WORKER_CLASS": args.worker_class,
            "GUNICORN_THREADS": str(args.threads),
        },
        start_new_session=True,
        stderr=subprocess.DEVNULL if quiet else None,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


@dataclass
class Load:
    requests: int
    rate: float
    p50_ms: float
    p99_ms: float
    errors: int


def combined(rounds: list[Load]) -> Load:
    """Loads measured in several rounds as one: the rate over all of them (each round's requests over its time),
    p50 the rounds' median, p99 the worst round's (percentiles do not add up; the worst is the honest bound)."""
    seconds = sum(load.requests / load.rate for load in rounds)
    return Load(
        requests=sum(load.requests for load in rounds),
        rate=sum(load.requests for load in rounds) / seconds,
        p50_ms=statistics.median(load.p50_ms for load in rounds),
        p99_ms=max(load.p99_ms for load in rounds),
        errors=sum(load.errors for load in rounds),
    )


WRK_SCRIPT = """
counter = 0
wrk.method = "%(method)s"
wrk.headers["Content-Type"] = "application/json"
%(headers)s
template = %(body)s
if template ~= nil and %(crlf)s then template = string.gsub(template, "\\n", "\\r\\n") end  -- Lua reads CRLF as LF
threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
request = function()
  counter = counter + 1
  local id = "%(prefix)s-" .. tid .. "-" .. counter
  wrk.headers["Idempotency-Key"] = id
  local body = nil
  if template ~= nil then body = (string.gsub(template, "{{n}}", id)) end
  return wrk.format(nil, "%(path)s", nil, body)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%.3f %%.3f\\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


def wrk(
    url: str,
    path: str,
    body: str | None,
    headers: dict[str, str],
    *,
    connections: int,
    seconds: int,
    prefix: str,
    method: str = "POST",
    crlf: bool = False,
) -> Load:
    """``crlf``: the body's line ends are CRLF (a multipart form): put back after Lua's long string reads LF."""
    if shutil.which("wrk") is None:
        subprocess.run([str(PROJECT / "scripts" / "apt-install.sh"), "wrk"], check=True)
    lines = "\n".join(f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items())
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        lua_body = f"[==[{body}]==]" if body is not None else "nil"
        script.write(
            WRK_SCRIPT
            % {
                "body": lua_body,
                "headers": lines,
                "path": path,
                "prefix": f"{prefix}-{secrets.token_hex(4)}",  # unique across runs and wrk threads
                "method": method,
                "crlf": "true" if crlf else "false",
            }
        )
    done = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script.name, url],
        capture_output=True,
        text=True,
        check=True,
    )
    os.unlink(script.name)
    match = re.search(r"RESULT (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+)", done.stdout)
    assert match, done.stdout
    requests, errors, micros = int(match[1]), int(match[2]), int(match[3])
    return Load(requests, requests / (micros / 1e6), float(match[4]), float(match[5]), errors)


def server_arguments(parser: argparse.ArgumentParser) -> None:
    """The gunicorn to load: as deployed unless asked otherwise."""
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="as deployed: one per core")
    parser.add_argument("--worker-class", default="sync", help="as deployed: sync")
    parser.add_argument("--threads", type=int, default=1, help="per worker, gthread class only")


def load_arguments(parser: argparse.ArgumentParser) -> None:
    """How wrk loads it, and with which gunicorn."""
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    server_arguments(parser)


def prepare_database() -> None:
    """Migrate, load the demo data and collect static files, as `make run` does."""
    for command in (["migrate", "-v0"], ["demo_load"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=PROJECT, check=True, capture_output=True)


def print_comparison(
    results: dict[str, Load], *, full: str, bare: str, p99_aim_ms: int, args: argparse.Namespace
) -> None:
    """Both loads, then the ratio the issue aims at (measured in the same run)."""
    width = max(len(name) for name in results) + 1
    for name, load in results.items():
        print(
            f"{name:<{width}} {load.rate:8.1f} req/s  p50 {load.p50_ms:6.1f} ms  p99 {load.p99_ms:6.1f} ms  "
            f"({load.requests} requests, {load.errors} errors)"
        )
    ratio = results[full].rate / results[bare].rate
    print(
        f"{full} / {bare} = {ratio:.2f}  (aim >= 0.50; p99 aim < {p99_aim_ms} ms)  "
        f"[{args.connections} connections, gunicorn {args.workers} {args.worker_class} workers"
        f"{f' x {args.threads} threads' if args.worker_class == 'gthread' else ''}, PostgreSQL]"
    )


@dataclass
class Cluster:
    """A throw-away PostgreSQL cluster with durability on, as scripts/with-postgres.sh makes one (but safe)."""

    bin: Path
    work: Path
    port: int
    run_as: list[str]

    @property
    def url(self) -> str:
        return f"postgres://xiaobao@127.0.0.1:{self.port}/postgres"

    def pg_ctl(self, *args: str) -> None:
        subprocess.run(
            [
                *self.run_as,
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.work / "data"),
                "-l",
                str(self.work / "server.log"),
                *args,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            cwd=self.work,
        )

    def restart(self, mode: str) -> None:
        self.pg_ctl("-m", mode, "-w", "-t", "60", "restart")


@contextlib.contextmanager
def durable_postgres() -> Iterator[Cluster]:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    if not versions:
        subprocess.run([str(PROJECT / "scripts" / "apt-install.sh"), "postgresql"], check=True)
        versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    work = Path(tempfile.mkdtemp(prefix="xiaobao-drill-pg-"))
    run_as: list[str] = []
    if os.getuid() == 0:  # PostgreSQL refuses to run as root: the cluster belongs to the postgres user
        os.chown(work, *_postgres_ids())
        run_as = ["runuser", "-u", "postgres", "--"]
    cluster = Cluster(bin=versions[-1], work=work, port=free_port(), run_as=run_as)
    initdb = [str(cluster.bin / "initdb"), "-D", str(work / "data"), "-U", "xiaobao", "--auth=trust"]
    subprocess.run(
        [*run_as, *initdb, "-E", "UTF8", "--locale=C.UTF-8"],
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=work,
    )
    options = (
        f"-c listen_addresses=127.0.0.1 -p {cluster.port} -k {work} -c max_connections=200 "
        "-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
    )
    cluster.pg_ctl("-w", "start", "-o", options)
    try:
        yield cluster
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            cluster.pg_ctl("-m", "immediate", "stop")
        subprocess.run(["rm", "-rf", str(work)], check=False)


def _postgres_ids() -> tuple[int, int]:
    import pwd

    entry = pwd.getpwnam("postgres")
    return entry.pw_uid, entry.pw_gid


@contextlib.contextmanager
def given_or_durable_postgres() -> Iterator[str]:
    """The PostgreSQL ``DATABASE_URL`` names, or a throw-away durable cluster's (fsync and synchronous_commit on)."""
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith("postgres"):
        yield given
        return
    with durable_postgres() as cluster:
        yield cluster.url
