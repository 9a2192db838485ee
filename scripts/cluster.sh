#!/usr/bin/env bash
# `make cluster`: xiaobao as a small multi-process deployment on this machine (issue #20 item 3, ADR 0022).
#
#   PostgreSQL (the one source of truth) ─┬─ CLUSTER_WEB gunicorn processes ── nginx on CLUSTER_PORT
#                                         ├─ CLUSTER_INTAKE_WORKERS intake workers (manage.py run_intake: they
#                                         │  register the complaints the web processes received, ADR 0023)
#   Redis (the task queue, no persistence)┴─ CLUSTER_WORKERS task workers (manage.py run_worker, RQ)
#
# Uses $DATABASE_URL when it is a postgres:// URL whose server answers; otherwise a throw-away PostgreSQL
# (scripts/with-postgres.sh: its data goes when the cluster stops). Installs Debian's redis-server and nginx
# if missing. Migrates, loads the demo data (CLUSTER_DEMO=0 skips it), starts everything, prints the address
# and runs until Ctrl-C (or SIGTERM), which stops every process it started.
#
#   CLUSTER_PORT=8080 CLUSTER_WEB=2 CLUSTER_WORKERS=2 CLUSTER_WEB_CONCURRENCY=1 scripts/cluster.sh
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

if [[ "${DATABASE_URL:-}" != postgres* ]] || ! pg_isready -q -d "$DATABASE_URL" -t 3 2>/dev/null; then
  unset DATABASE_URL
  exec "$ROOT/scripts/with-postgres.sh" "$0" "$@"
fi

CLUSTER_PORT="${CLUSTER_PORT:-8080}"
CLUSTER_WEB="${CLUSTER_WEB:-2}"
CLUSTER_WORKERS="${CLUSTER_WORKERS:-2}"
CLUSTER_INTAKE_WORKERS="${CLUSTER_INTAKE_WORKERS:-$CLUSTER_WORKERS}"
CLUSTER_WEB_CONCURRENCY="${CLUSTER_WEB_CONCURRENCY:-1}"
CLUSTER_DEMO="${CLUSTER_DEMO:-1}"
VENV_BIN="${VENV_BIN:-$ROOT/.venv/bin}"
PYTHON="$VENV_BIN/python"

command -v redis-server >/dev/null || test -x /usr/bin/redis-server || "$ROOT/scripts/apt-install.sh" redis-server
test -x /usr/sbin/nginx || command -v nginx >/dev/null || "$ROOT/scripts/apt-install.sh" nginx
REDIS_SERVER="$(command -v redis-server || echo /usr/bin/redis-server)"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

free_port() { "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

WORK="$(mktemp -d /tmp/xiaobao-cluster.XXXXXX)"
PIDS=()
stop_all() {
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap stop_all EXIT
trap 'exit 0' INT TERM

REDIS_PORT="$(free_port)"
"$REDIS_SERVER" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$WORK" \
  --logfile "$WORK/redis.log" &
PIDS+=($!)

export XIAOBAO_TASK_QUEUE=redis
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export XIAOBAO_PROXY_HOPS=1  # nginx appends the client's address to X-Forwarded-For
export XIAOBAO_PUBLIC_URL="${XIAOBAO_PUBLIC_URL:-http://127.0.0.1:$CLUSTER_PORT}"
export DEBUG="${DEBUG:-false}"
export PYTHONPATH="$ROOT/src${PYTHONPATH:+:$PYTHONPATH}"

"$PYTHON" manage.py migrate --noinput -v0
"$PYTHON" manage.py collectstatic --noinput -v0
if [ "$CLUSTER_DEMO" = "1" ]; then "$PYTHON" manage.py demo_load; fi

UPSTREAMS=""
for i in $(seq 1 "$CLUSTER_WEB"); do
  port="$(free_port)"
  WEB_CONCURRENCY="$CLUSTER_WEB_CONCURRENCY" "$VENV_BIN/gunicorn" --config python:xiaobao.config.gunicorn \
    --bind "127.0.0.1:$port" --access-logfile /dev/null --log-level warning xiaobao.config.wsgi \
    2>>"$WORK/web-$i.log" &
  PIDS+=($!)
  UPSTREAMS+="    server 127.0.0.1:$port;"$'\n'
done

for i in $(seq 1 "$CLUSTER_WORKERS"); do
  "$PYTHON" manage.py run_worker 2>>"$WORK/worker-$i.log" &
  PIDS+=($!)
done
for i in $(seq 1 "$CLUSTER_INTAKE_WORKERS"); do
  "$PYTHON" manage.py run_intake 2>>"$WORK/intake-$i.log" &
  PIDS+=($!)
done

mkdir -p "$WORK/nginx-temp"
chmod 0777 "$WORK/nginx-temp"  # nginx's workers run as another user when it is started as root
cat >"$WORK/nginx.conf" <<EOF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx-temp/body;
  proxy_temp_path $WORK/nginx-temp/proxy;
  fastcgi_temp_path $WORK/nginx-temp/fastcgi;
  uwsgi_temp_path $WORK/nginx-temp/uwsgi;
  scgi_temp_path $WORK/nginx-temp/scgi;
  client_max_body_size 60m;
  upstream xiaobao {
$UPSTREAMS    keepalive 32;
  }
  server {
    listen 127.0.0.1:$CLUSTER_PORT;
    location / {
      proxy_pass http://xiaobao;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto \$scheme;
    }
  }
}
EOF
"$NGINX" -c "$WORK/nginx.conf" -p "$WORK" -g "daemon off;" &
PIDS+=($!)

for _ in $(seq 1 150); do
  if "$PYTHON" - "$CLUSTER_PORT" "$CLUSTER_WORKERS" <<'PY' 2>/dev/null; then break; fi
import json, sys, urllib.request
body = json.load(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/healthz", timeout=2))
sys.exit(0 if body["worker"]["alive"] >= int(sys.argv[2]) and body["redis"]["status"] == "ok" else 1)
PY
  sleep 0.2
done
echo "cluster ready: http://127.0.0.1:$CLUSTER_PORT/ (nginx → $CLUSTER_WEB web processes; $CLUSTER_INTAKE_WORKERS intake workers; $CLUSTER_WORKERS workers on Redis $REDIS_URL; PostgreSQL $DATABASE_URL; logs in $WORK)"
echo "Press Ctrl-C to stop them all."
wait -n "${PIDS[@]}" || true
echo "cluster: a process ended; stopping the rest" >&2
exit 1
