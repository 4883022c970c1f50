# Tracker -- developer entry points.  `make` alone prints help.
#
#   make run               serve the demo (HOST=... PORT=... to change)
#   make test              tests on SQLite, and on PostgreSQL too if
#                          TEST_DATABASE_URL=postgresql://... is set
#   make setup | bench | audit | clean

SHELL := /bin/sh
.DEFAULT_GOAL := help
.PHONY: help setup os-deps run test bench audit clean

PYTHON3 ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.installed
PYTEST  := $(PY) -m pytest -q

# Plain `=` on purpose: only `make run HOST=... PORT=...` overrides these,
# not an unrelated HOST/PORT that happens to be in the environment.
HOST = 127.0.0.1
PORT = 8000

help:
	@echo 'make run    Install what is needed, then serve the demo at http://$(HOST):$(PORT) (prints the demo logins).'
	@echo 'make test   Install what is needed, then run the tests (SQLite; again on PostgreSQL if TEST_DATABASE_URL is set).'

FONT    := build/fonts/NotoSerifCJKsc-GB2312.otf

# os-deps first (serial make builds prerequisites left to right).
setup: os-deps $(STAMP) $(FONT)

os-deps:
	@sh scripts/os-deps.sh

# pyvenv.cfg is a real file written by `python3 -m venv` (bin/python is a
# symlink, whose mtime make would read from the system interpreter).
$(VENV)/pyvenv.cfg:
	@echo 'Creating $(VENV) ...'
	@$(PYTHON3) -m venv $(VENV)

$(STAMP): pyproject.toml $(VENV)/pyvenv.cfg
	@echo 'Installing Python dependencies into $(VENV) ...'
	@$(PY) -m pip install -q --disable-pip-version-check -e '.[test]'
	@touch $@

# The documents' CJK face cut down to GB 2312, made once from the installed Noto font (tracker/documents/fonts.py).
$(FONT): $(STAMP)
	@echo 'Building the document font subset (once) ...'
	@$(VENV)/bin/tracker fonts build

run: setup
	$(VENV)/bin/tracker serve --host '$(HOST)' --port '$(PORT)'

# Both runs always execute; the target fails if either fails (any non-zero
# pytest status, including 5 = no tests collected).
test: setup
	@sqlite_rc=0; pg_rc=0; \
	case "$${TEST_DATABASE_URL:-}" in \
	    ''|postgres://*|postgresql://*) ;; \
	    *) echo 'TEST_DATABASE_URL must be a postgresql:// URL' >&2; exit 2 ;; \
	esac; \
	echo '==> pytest on SQLite (embedded, default database)'; \
	env -u DATABASE_URL $(PYTEST) || sqlite_rc=$$?; \
	if [ -n "$${TEST_DATABASE_URL:-}" ]; then \
	    shown=$$(printf '%s\n' "$$TEST_DATABASE_URL" | sed -E 's|//([^:@/]*):[^@/]*@|//\1:***@|'); \
	    echo "==> pytest on PostgreSQL ($$shown), excluding browser tests"; \
	    DATABASE_URL="$$TEST_DATABASE_URL" $(PYTEST) -m 'not browser' || pg_rc=$$?; \
	    echo "==> results: SQLite exit $$sqlite_rc, PostgreSQL exit $$pg_rc"; \
	else \
	    echo "==> results: SQLite exit $$sqlite_rc (PostgreSQL skipped: TEST_DATABASE_URL not set)"; \
	fi; \
	[ $$sqlite_rc -eq 0 ] && [ $$pg_rc -eq 0 ]

bench: setup
	@found=0; failed=''; \
	for f in bench/*.py; do \
	    [ -f "$$f" ] || continue; \
	    found=1; echo "==> $$f"; \
	    $(PY) "$$f" || failed="$$failed $$f"; \
	done; \
	[ $$found -eq 1 ] || echo 'No benchmarks in bench/ yet.'; \
	if [ -n "$$failed" ]; then echo "Failed:$$failed" >&2; exit 1; fi

# Security scanners (CI runs them beside the tests and fails on a new finding): bandit over the code,
# with the skips of pyproject.toml [tool.bandit], and known vulnerabilities in the installed
# dependencies (scripts/dep_audit.py). Accepted findings: docs/security-findings.md.
audit: setup
	@echo '==> bandit (tracker inspections funding)'
	@$(VENV)/bin/bandit -q -c pyproject.toml -r tracker inspections funding
	@echo '==> dependency vulnerabilities'
	@$(PY) scripts/dep_audit.py

clean:
	rm -rf var $(VENV)
