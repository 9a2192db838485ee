"""gunicorn settings for ``make run`` and production (overridable by the environment).

Sync workers, one request per process, twice as many processes as cores: measured with
bench/track.py and bench/intake.py this gives the shortest tail (p99) — threads in one
process queue behind each other for the interpreter lock, and threaded keep-alive left some
requests waiting far longer than the rest. Sync workers expect a buffering proxy (nginx or
the load balancer) in front in production, as gunicorn's documentation says.
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", str(2 * (os.cpu_count() or 1))))
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "sync")
threads = int(os.environ.get("GUNICORN_THREADS", "1"))  # used by the gthread class only
accesslog = "-"
graceful_timeout = 10
