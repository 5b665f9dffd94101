# Developer targets. The two commands a newcomer needs are ./portal run and ./portal test (README.md);
# they install what is missing and then call these targets.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
SITE ?= output
PORT ?= 8000
STAGE ?= dev
PELICAN_SETTINGS ?= pelicanconf.py
CHECKOV_VENV ?= .venv-checkov

.DEFAULT_GOAL := help
.PHONY: help install demo-data site serve run lint typecheck test test-fast bench clean
.PHONY: checkov-venv infra-check package deploy destroy export-edits web-tools icons catalogues

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  %-12s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements/dev.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet pip==26.2.1  # chalice 1.34 requires pip<26.3
	$(PY) -m pip install --quiet -r requirements/dev.txt
	touch $@

install: $(VENV)/.installed ## Create .venv with the pinned dependencies

demo-data: install ## Regenerate the demo directory (400 professionals, seeded)
	$(PY) scripts/make_demo_data.py --count 400 --seed 2026 --out content/directory

export-edits: install ## Carry back-office settings into the data files (TABLE=portal-prod [ARGS=--dry-run])
	$(if $(TABLE),,$(error TABLE is required, e.g. make export-edits TABLE=portal-prod ARGS=--dry-run))
	$(PY) scripts/export_profiles.py --table $(TABLE) $(ARGS)

site: install ## Build the static site and its search index into $(SITE)/
	$(VENV)/bin/pelican content -s $(PELICAN_SETTINGS) -o $(SITE) --log-handler plain
	$(PY) -m plugins.directory.search_index --settings $(PELICAN_SETTINGS) --content content --site $(SITE) --quiet

serve: install ## Serve $(SITE)/ and the API on http://127.0.0.1:$(PORT) with the local AWS endpoint
	$(PY) -m local.portal --site $(SITE) --port $(PORT)

run: site serve ## Build the site, then serve everything locally

lint: install ## ruff (lint and format check)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: install ## mypy on functions/, plugins/, local/ and infra/
	$(VENV)/bin/mypy

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

web-tools: node_modules/.installed ## Lighthouse CI and the Nu HTML checker from package-lock.json (npm ci; needs Node and Java)

# The tests outside the browser run in two processes (pytest-xdist, a test file per process at a time: a file's
# fixtures stay in one process); the browser's, timed by what people see, then run alone, one after the other.
# Both parts always run; the command fails if either does.
test: lint typecheck infra-check web-tools ## Every check and test (what CI runs)
	$(VENV)/bin/pytest -n 2 --dist loadfile --ignore=tests/e2e; first=$$?; \
	$(VENV)/bin/pytest tests/e2e; second=$$?; \
	test $$first -eq 0 && test $$second -eq 0

test-fast: install ## Tests without the browser
	$(VENV)/bin/pytest -m "not browser"

TRANSLATIONS := theme/translations
catalogues: install ## Messages: extract from the templates, update every .po (new ones empty), check and compile
	$(VENV)/bin/pybabel -q extract -F theme/babel.cfg -o $(TRANSLATIONS)/messages.pot --no-location --omit-header \
		--sort-output --width 120 .
	$(VENV)/bin/pybabel -q update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) --no-fuzzy-matching \
		--ignore-obsolete
	$(VENV)/bin/pybabel compile -d $(TRANSLATIONS) --statistics
	$(PY) -m plugins.directory.catalogues $(TRANSLATIONS)

public-holidays: install ## Work out the territory's public holidays again from the pinned holidays package (after upgrading it)
	$(PY) scripts/public_holidays.py

icons: install ## Render the raster icons again from theme/static/images/favicon.svg
	$(PY) scripts/make_icons.py

bench: install ## Benchmarks (results go to docs/performance.md by hand)
	@ls bench/*.py

$(CHECKOV_VENV)/.installed: infra/checkov-requirements.txt
	python3 -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet -r infra/checkov-requirements.txt
	touch $@

checkov-venv: $(CHECKOV_VENV)/.installed ## checkov in its own virtualenv (it pins an older boto3)

infra-check: install checkov-venv ## Synthesise the templates offline, then cfn-lint and checkov them
	$(PY) -m infra.check

package: install ## Build the site, templates and packages of STAGE (no AWS account needed)
	$(PY) -m infra.deploy --stage $(STAGE) --package-only

deploy: install ## Deploy STAGE (default dev) to AWS: site, packages, stacks, upload, invalidation
	$(PY) -m infra.deploy --stage $(STAGE)

destroy: install ## Tear a dev stage down (asks for its name to confirm)
	$(PY) -m infra.destroy --stage $(STAGE)

clean: ## Remove built output
	rm -rf $(SITE) .pytest_cache .mypy_cache .ruff_cache bench/out/lighthouse
