"""gunicorn settings for ``make run`` and production (overridable by the environment).

Sync workers, one request per process, one process per core: measured with bench/track.py
and bench/intake.py on two cores this gave the shortest tail (p99) and the highest rate —
threads in one process queue behind each other for the interpreter lock, threaded
keep-alive left some requests waiting far longer than the rest, and more processes than
cores only took turns. With the database on another machine requests wait longer on it:
raise ``WEB_CONCURRENCY`` there. Sync workers expect a buffering proxy (nginx or the load
balancer) in front in production, as gunicorn's documentation says.
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", str(os.cpu_count() or 1)))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))  # used by the gthread class only
accesslog = "-"
graceful_timeout = 10


def post_worker_init(worker: object) -> None:
    """The app is loaded: die with the master, warm what Django loads lazily, then freeze it out of the GC."""
    exit_with_master(worker)
    from xiaobao.ops.warmup import warm_and_freeze

    warm_and_freeze()


PR_SET_PDEATHSIG = 1


def exit_with_master(worker: object) -> None:
    """Ask Linux to send this worker SIGTERM the moment its master dies (``prctl(PR_SET_PDEATHSIG)``).

    After ``kill -9`` of the master, gunicorn's sync worker notices only when its wait times out
    (up to half the worker timeout) and orphans kept the listening socket meanwhile, so a restart
    failed with "Address already in use". The kernel's parent-death signal acts at once and costs
    no thread; SIGTERM is gunicorn's graceful exit, so a request in hand is finished first. If the
    master died before this call, the parent has already changed: exit the same way.
    (Elsewhere than Linux nothing is set and gunicorn's own parent check remains.)
    """
    import ctypes
    import signal
    import sys

    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        return
    if os.getppid() != getattr(worker, "ppid", os.getppid()):
        os.kill(os.getpid(), signal.SIGTERM)
