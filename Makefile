# phiscrub: two commands on a fresh Debian/Ubuntu machine.
#   make run    install what is missing, build (release), serve on the embedded default
#   make test   install what is missing, fmt check, clippy (warnings denied), every test
.PHONY: run test bootstrap build release fmt lint unit bench clean

CARGO ?= cargo
export PATH := $(CURDIR)/.tools/venv/bin:$(PATH)

bootstrap:
	@scripts/bootstrap

run: bootstrap
	$(CARGO) build --release --locked
	./target/release/phiscrub serve

build: bootstrap
	$(CARGO) build --locked

fmt:
	$(CARGO) fmt --all -- --check

lint: bootstrap
	$(CARGO) clippy --locked --all-targets -- -D warnings

unit: bootstrap
	$(CARGO) test --locked --all-targets

test: bootstrap fmt lint unit

bench: bootstrap
	$(CARGO) bench --locked

clean:
	$(CARGO) clean
