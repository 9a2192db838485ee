# xiaobao — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
export PORT

.PHONY: run cluster test fast install install-test lint check pytest pytest-sqlite pytest-postgres bench messages clean

$(VENV)/.installed: requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(VENV)/.installed-test: requirements-test.lock $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-test.lock
	command -v xgettext >/dev/null || scripts/apt-install.sh gettext
	test -x /usr/bin/chromium || scripts/apt-install.sh chromium
	command -v pdffonts >/dev/null || scripts/apt-install.sh poppler-utils
	test -x /usr/sbin/dovecot || scripts/apt-install.sh dovecot-imapd
	command -v espeak-ng >/dev/null || scripts/apt-install.sh espeak-ng
	fc-list -q "Noto Sans Mongolian" && fc-list -q "Noto Sans CJK KR" || scripts/apt-install.sh fonts-noto-core fonts-noto-cjk
	test -x /usr/bin/redis-server || scripts/apt-install.sh redis-server
	test -x /usr/sbin/nginx || scripts/apt-install.sh nginx
	touch $@

# axe-core for the browser tests, from the npm registry, exactly as locked.
node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --silent

install: $(VENV)/.installed
	@command -v espeak-ng >/dev/null || echo "note: espeak-ng is not installed, so pages offer only the browser's own voice for read-aloud (scripts/apt-install.sh espeak-ng adds it)"
install-test: $(VENV)/.installed-test node_modules/.package-lock.json

## Serve xiaobao on SQLite with demo data: gunicorn and the task worker, one Ctrl-C stops both.
run: install
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py demo_load
	@echo ""
	@echo "xiaobao is starting on http://127.0.0.1:$(PORT)/  (health: http://127.0.0.1:$(PORT)/healthz)"
	@echo "Press Ctrl-C once to stop the web server and the worker."
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/honcho --no-colour -f Procfile start

## A local multi-process deployment: PostgreSQL, Redis, 2 gunicorn processes behind nginx, 2 intake and 2 task workers
## (scripts/cluster.sh; CLUSTER_PORT, CLUSTER_WEB, CLUSTER_WORKERS). Ctrl-C stops them all.
cluster: install
	VENV_BIN=$(abspath $(BIN)) scripts/cluster.sh

## Install what the tests need and run the whole suite: lint, types, architecture, pytest on SQLite and PostgreSQL.
test: install-test lint pytest

## The inner loop: every test but the browser ones, on SQLite, no lint (`make test` before you push).
fast: install-test
	DATABASE_URL=sqlite:///var/test.sqlite3 $(BIN)/pytest -n 2 --dist loadgroup --no-loadscope-reorder -m "not browser" -q

lint: install-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run -v1
	XIAOBAO_ENV=production SECRET_KEY=check-deploy-$$(openssl rand -hex 32 2>/dev/null || echo 0123456789abcdef0123456789abcdef0123456789abcdef) \
	  XIAOBAO_ENCRYPTION_KEYS=k1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA \
	  XIAOBAO_BLIND_INDEX_KEY=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA \
	  XIAOBAO_BUNDLE_SIGNING_KEY=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA \
	  ALLOWED_HOSTS=xiaobao.example DATABASE_URL=sqlite:///var/check-deploy.sqlite3 \
	  $(BIN)/python manage.py check --deploy --fail-level WARNING

pytest: pytest-sqlite pytest-postgres

# Every test runs at least once: the browser tests against PostgreSQL (the production database), `make run`'s
# own SQLite set-up on the SQLite pass; everything else on both.
pytest-sqlite: install-test
	DATABASE_URL=sqlite:///var/test.sqlite3 $(BIN)/pytest -n 2 --dist loadgroup --no-loadscope-reorder -m "not browser"

pytest-postgres: install-test
	scripts/with-postgres.sh $(BIN)/pytest -n 2 --dist loadgroup --no-loadscope-reorder -m "not sqlite_demo"

bench: install-test
	$(BIN)/python bench/deadlines.py

## Compile translation catalogues (the .mo files are committed so `make run` needs no gettext).
messages: install
	cd src/xiaobao && ../../$(BIN)/django-admin makemessages -l zh_Hans -l zh_Hant -l en --no-obsolete
	cd src/xiaobao && ../../$(BIN)/django-admin compilemessages

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
