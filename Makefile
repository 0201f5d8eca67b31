# `make run` and `make test` work from a fresh clone: both create .venv when missing and
# install the pinned requirements whenever they change.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
STAGE ?= dev

.PHONY: run test lint typecheck unit bench clean package deploy template-lint

$(INSTALLED): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(INSTALLED)

run: $(INSTALLED)
	$(BIN)/python -m chalicelib.local.stack

test: $(INSTALLED) lint typecheck template-lint
	$(BIN)/python -m pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(INSTALLED)
	$(BIN)/mypy

bench: $(INSTALLED)
	$(BIN)/python manage.py bench

# Deployment (docs/deploy.md). The template is chalice's sam.json with deploy/resources.json
# (tables, bucket, CDN, gateway responses) merged in; one stack per stage.
DEPLOYED_STAGES := dev prod
PACKAGE_DIR := build/package
STACK_NAME ?= shop-api-$(STAGE)
AWS ?= aws
# chalice package wants a region, but the template only uses AWS::Region: the stack lands
# wherever the AWS CLI deploys it.
PACKAGE_REGION ?= $(or $(AWS_REGION),$(AWS_DEFAULT_REGION),us-east-1)
CHALICE_PACKAGE = AWS_DEFAULT_REGION=$(PACKAGE_REGION) $(BIN)/chalice package \
	--merge-template deploy/resources.json

package: $(INSTALLED)
	@test -f .chalice/policy-$(STAGE).json || \
		{ echo "no .chalice/policy-$(STAGE).json: '$(STAGE)' is not a deployable stage" >&2; exit 1; }
	rm -rf $(PACKAGE_DIR) && mkdir -p build
	$(CHALICE_PACKAGE) --stage $(STAGE) $(PACKAGE_DIR) >build/package.log 2>&1; \
		status=$$?; cat build/package.log; exit $$status
	@! grep -q "Could not install dependencies" build/package.log || \
		{ echo "a dependency has no manylinux2014 wheel for Lambda (see above)" >&2; exit 1; }
	$(BIN)/python deploy/slim_zip.py $(PACKAGE_DIR)/deployment.zip
	$(BIN)/cfn-lint $(PACKAGE_DIR)/sam.json

template-lint: $(INSTALLED)
	@for stage in $(DEPLOYED_STAGES); do \
		rm -rf build/template/$$stage && \
		$(CHALICE_PACKAGE) --stage $$stage build/template/$$stage >/dev/null && \
		$(BIN)/cfn-lint build/template/$$stage/sam.json && echo "template ($$stage): lint clean" \
		|| exit 1; \
	done
	$(BIN)/cfn-lint deploy/bootstrap.json

deploy: $(INSTALLED)
	@test -n "$(ARTIFACT_BUCKET)" || \
		{ echo "ARTIFACT_BUCKET=<S3 bucket for the code> is required" >&2; exit 1; }
	$(MAKE) package STAGE=$(STAGE)
	$(AWS) cloudformation package --template-file $(PACKAGE_DIR)/sam.json --use-json \
		--s3-bucket $(ARTIFACT_BUCKET) --s3-prefix $(STACK_NAME) \
		--output-template-file $(PACKAGE_DIR)/packaged.json
	$(AWS) cloudformation deploy --template-file $(PACKAGE_DIR)/packaged.json \
		--stack-name $(STACK_NAME) --capabilities CAPABILITY_IAM CAPABILITY_AUTO_EXPAND \
		--no-fail-on-empty-changeset $(if $(CFN_ROLE_ARN),--role-arn $(CFN_ROLE_ARN)) \
		--parameter-overrides Stage=$(STAGE) $(DEPLOY_PARAMETERS)
	$(AWS) cloudformation describe-stacks --stack-name $(STACK_NAME) \
		--query 'Stacks[0].Outputs' --output table

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build
