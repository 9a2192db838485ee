#!/usr/bin/env bash
# Run a command with DATABASE_URL pointing at a PostgreSQL server.
#
# Uses $DATABASE_URL when it is a postgres:// URL whose server answers;
# otherwise starts a throw-away cluster (installing Debian's postgresql first
# if this machine has none), runs the command, and removes the cluster.
set -euo pipefail

if [[ "${DATABASE_URL:-}" == postgres* ]] && command -v pg_isready >/dev/null \
   && pg_isready -q -d "$DATABASE_URL" -t 3; then
  echo "with-postgres: using the server at DATABASE_URL"
  exec "$@"
fi

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
if [ -z "$(pg_bin)" ]; then
  echo "with-postgres: no PostgreSQL server here; installing Debian's postgresql"
  "$(dirname "$0")/apt-install.sh" postgresql
fi
BIN="$(pg_bin)"

WORK="$(mktemp -d /tmp/xiaobao-pg.XXXXXX)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
AS=()
if [ "$(id -u)" -eq 0 ]; then
  # PostgreSQL refuses to run as root: the cluster belongs to the postgres user.
  chown postgres "$WORK"
  AS=(runuser -u postgres --)
fi

cleanup() {
  "${AS[@]}" "$BIN/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"${AS[@]}" "$BIN/initdb" -D "$WORK/data" -U xiaobao --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${AS[@]}" "$BIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w start -o \
  "-c listen_addresses=127.0.0.1 -p $PORT -k $WORK -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
echo "with-postgres: throw-away PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT"

export DATABASE_URL="postgres://xiaobao@127.0.0.1:$PORT/postgres"
"$@"
