# Every target is a thin wrapper around a script in scripts/, so a person and CI
# (.ci/run -> make check) run identical steps. `make help` lists them.
.DEFAULT_GOAL := help
SHELL := /bin/bash
.PHONY: help setup serve site check lint format types test browser notebooks bench check-space clean

help: ## List every chore
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: ## Install uv (pinned) if missing and sync .venv from uv.lock
	@bash scripts/setup.sh

serve: ## Build the site (mkdocs --strict) and serve it on http://127.0.0.1:8000
	@bash scripts/serve.sh

site: ## Build the site into site/ with mkdocs build --strict
	@bash scripts/check.sh site

check: ## Run everything: ruff, mypy --strict, mkdocs --strict, all tests incl. browser (installs chromium if missing)
	@bash scripts/check.sh all

lint: ## ruff check + ruff format --check
	@bash scripts/check.sh lint

format: ## Apply ruff format and safe ruff fixes to the tree
	@bash scripts/check.sh fix

types: ## mypy --strict on src/, docs/hooks, tools/ and scripts/
	@bash scripts/check.sh types

test: ## pytest: unit, scenario, property, notebook, doctest and browser tests (build the site first: make site)
	@bash scripts/check.sh test

browser: ## Only the browser suite against site/ (screenshots land in artifacts/screenshots/)
	@bash scripts/check.sh test -m browser tests/browser

notebooks: ## Only the notebook tests
	@bash scripts/check.sh test -m notebooks

check-space: ## Evaluate the whole declared decision space (≈1.1 million cells) against the safety invariants
	@bash scripts/setup.sh >/dev/null && .venv/bin/her2guide check-space

bench: ## Print set-up, test, site-build, page-weight and recommend() timings against targets
	@bash scripts/check.sh bench

clean: ## Remove built and cached artefacts (site/, artifacts/, tool caches; keeps .venv)
	rm -rf site artifacts .pytest_cache .mypy_cache .ruff_cache .hypothesis
