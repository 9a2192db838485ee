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
    """The app is loaded: warm what Django loads lazily, then freeze it out of the garbage collector."""
    from xiaobao.ops.warmup import warm_and_freeze

    warm_and_freeze()
