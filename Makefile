# The two commands: `make run` (the shop, web + worker, on the embedded defaults) and
# `make test` (the whole suite). Both work on a fresh machine with only python3 and make.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed
# Debian packages: WeasyPrint's (pango; harfbuzz-subset makes rendering ~5x faster), fonts,
# and Chromium for the browser tests.
RUN_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
# gettext: msgfmt, with which the i18n tests compile the French catalog.
TEST_DEBS := $(RUN_DEBS) chromium gettext

.PHONY: run test bench soak fuzz lint setup deps-run deps-test migrate clean messages

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

deps-run:
	@scripts/debian-deps.sh $(RUN_DEBS)

deps-test:
	@scripts/debian-deps.sh $(TEST_DEBS)

migrate: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py migrate --database sandbox --noinput

run: export DEBUG ?= true
run: deps-run migrate
	@if [ -z "$$KORUS_API_URL" ]; then $(PY) manage.py sandbox_load_demo --if-empty; fi
	$(PY) manage.py runshop --port $(PORT)

# axe-core for the browser suite's accessibility audits, pinned in tests/browser/vendor (npm
# comes with Debian's package when the machine has no Node.js).
AXE_CORE := tests/browser/vendor/node_modules/axe-core/axe.min.js
$(AXE_CORE): tests/browser/vendor/package.json tests/browser/vendor/package-lock.json
	@command -v npm >/dev/null || scripts/debian-deps.sh npm
	cd tests/browser/vendor && npm ci --no-audit --no-fund
	@touch $@

# Lint and types first: a style or typing slip fails fast, before the long suite.
test: deps-test setup $(AXE_CORE) lint
	$(PY) -m pytest $(PYTEST_ARGS)

bench: deps-run setup
	$(PY) -m bench $(BENCH_ARGS)

# Reliability run (faults, a killed worker; exits 1 on a duplicate or unreconciled order) and
# the bigger bad-input run. Both take DATABASE_URL / REDIS_URL like bench; see docs/PERFORMANCE.md.
soak: deps-run setup
	$(PY) -m bench.soak $(SOAK_ARGS)

fuzz: setup
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-400} $(PY) -m pytest tests/fuzz -q -p no:cacheprovider

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=tests.settings $(VENV)/bin/mypy

# For maintainers, after changing source strings: refresh locale/fr (needs GNU gettext), translate
# the new or fuzzy entries, run it again, and commit the .po with its .mo (so `make run` needs no
# gettext). The sandbox keeps its own bilingual demo data and English admin strings.
MESSAGES_IGNORE := $(foreach d,.venv var staticfiles artifacts bench tests sandbox,--ignore=$(d))
messages: setup
	DEBUG=true $(PY) manage.py makemessages -l fr $(MESSAGES_IGNORE)
	DEBUG=true $(PY) manage.py compilemessages -l fr $(MESSAGES_IGNORE)

clean:
	rm -rf var staticfiles .pytest_cache
