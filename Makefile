# `make run` and `make test` work from a fresh clone: both create .venv when missing and
# install the pinned requirements whenever they change.
# The Lambda function runs Python 3.13, and chalice takes the runtime from the Python that
# packages it, so .venv is built with 3.13: python3.13 on the PATH, else pyenv's 3.13
# (`pyenv install 3.13`), else name one: make PYTHON=/path/to/python3.13 ...
PYTHON ?= $(shell for candidate in python3.13 $$(pyenv root 2>/dev/null)/versions/3.13*/bin/python3.13; do \
	$$candidate -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null \
	&& { echo $$candidate; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
STAGE ?= dev

.PHONY: run reset test lint typecheck unit bench clean package deploy python-version

$(INSTALLED): requirements.txt requirements-dev.txt | python-version
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(INSTALLED)

python-version:
	@test -x $(BIN)/python || { test -n "$(PYTHON)" || \
		{ echo "no Python 3.13 found: .venv must be built with Python 3.13, the function's" \
			"runtime. Install it (pyenv install 3.13) or name it: make PYTHON=/path/to/python3.13" >&2; \
		exit 1; }; $(PYTHON) -m venv $(VENV); }
	@$(BIN)/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' || \
		{ echo ".venv runs Python $$($(BIN)/python -c 'import platform; print(platform.python_version())')," \
			"but the function runs 3.13: rm -rf .venv and run make again" >&2; exit 1; }

# The emulator's data is saved in .local-data/ (LOCAL_DATA_DIR) and restored by the next
# run; `make reset` deletes it, so that the next run starts with fresh demo data.
run: $(INSTALLED)
	$(BIN)/python -m chalicelib.local.stack

reset: $(INSTALLED)
	$(BIN)/python -m chalicelib.local.persistence reset

test: $(INSTALLED) lint typecheck
	$(BIN)/python -m pytest -n auto --dist loadfile --no-loadscope-reorder

# A deeper schemathesis run than the bounded one in `make test` (tests/e2e/test_schemathesis.py):
# more examples per operation and a 15-minute budget. SHOP_FUZZ_SEED=<seed> replays a run.
.PHONY: fuzz
fuzz: $(INSTALLED)
	SHOP_FUZZ_DEEP=1 $(BIN)/python -m pytest tests/e2e/test_schemathesis.py -s -n 0

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(INSTALLED)
	$(BIN)/mypy

# The quick loop while working (about 30 s): lint, types and the unit tests. Add the test
# files of what you change: .venv/bin/python -m pytest tests/api/test_products.py
unit: $(INSTALLED) lint typecheck
	$(BIN)/python -m pytest -n auto tests/unit

bench: $(INSTALLED)
	$(BIN)/python manage.py bench

# Cost per request and session, storage, and the order rate at which each hot key hits
# DynamoDB's partition limits (docs/performance.md). MEASURE=1 re-measures the inputs.
.PHONY: cost-model
cost-model: $(INSTALLED)
	$(BIN)/python -m benchmarks.cost_model $(if $(MEASURE),--measure)

# Deployment (docs/deploy.md). `make package` builds the SAM template (chalice's sam.json
# with deploy/resources.json merged in) and the code zip; `make deploy` uploads both to the
# artifact bucket, transforms the template offline and applies it as a change set. The
# tests rehearse exactly these commands against the emulator (tests/deploy/).
PACKAGE_DIR ?= build/package
STACK_NAME ?= shop-api-$(STAGE)
# Empty: lambda_architecture of .chalice/config.json (arm64). The rehearsal builds for
# the machine it runs on, so that it can import the zip.
ARCHITECTURE ?=

package: $(INSTALLED)
	$(BIN)/python -m deploy.package --stage $(STAGE) \
		$(if $(ARCHITECTURE),--architecture $(ARCHITECTURE)) $(PACKAGE_DIR)

deploy: $(INSTALLED)
	@test -n "$(ARTIFACT_BUCKET)" || \
		{ echo "ARTIFACT_BUCKET=<S3 bucket for the code> is required (docs/deploy.md)" >&2; exit 1; }
	$(MAKE) --no-print-directory package STAGE=$(STAGE) PACKAGE_DIR=$(PACKAGE_DIR) \
		ARCHITECTURE=$(ARCHITECTURE)
	$(BIN)/python -m deploy.stack --stage $(STAGE) --stack-name $(STACK_NAME) \
		--artifact-bucket $(ARTIFACT_BUCKET) $(if $(CFN_ROLE_ARN),--role-arn $(CFN_ROLE_ARN)) \
		$(PACKAGE_DIR) $(DEPLOY_PARAMETERS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build
