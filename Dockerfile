# phiscrub container image: the ECS service and the sidecar (default target), and the
# Lambda `bootstrap` zip (target lambda-zip). Not buildable on the development machines (no Docker engine); it
# follows the same steps as scripts/bootstrap and `make run` so that it stays true.

# ---- builder: Rust toolchain + the libhs headers (Hyperscan on x86_64, Vectorscan elsewhere)
FROM rust:1-bookworm AS builder
RUN set -eux; \
    case "$(uname -m)" in x86_64) libhs=libhyperscan-dev ;; *) libhs=libvectorscan-dev ;; esac; \
    apt-get update -qq; \
    apt-get install -y -qq --no-install-recommends pkg-config "$libhs"; \
    rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
ARG PHISCRUB_GIT_COMMIT=unknown
ENV PHISCRUB_GIT_COMMIT=${PHISCRUB_GIT_COMMIT}
RUN cargo build --release --locked && strip target/release/phiscrub

# ---- lambda-build: the Firehose transformation Lambda (runtime provided.al2023), built on
# Amazon Linux 2023 so that the binary links the glibc the Lambda runtime has. Portable
# engine only: AL2023 ships no libhs, and a cold start must not wait for a Hyperscan
# database compile (PERFORMANCE.md: seconds to tens of seconds for large rule sets).
# Lambda runs the binary as `bootstrap`; phiscrub runs its `lambda` command when started
# under that name. Export the zip for phiscrub-transform.yaml (CodeS3Bucket/CodeS3Key) with
#   docker build --target lambda-zip --output type=local,dest=dist .
FROM public.ecr.aws/amazonlinux/amazonlinux:2023 AS lambda-build
RUN set -eux; \
    dnf install -y -q gcc zip; \
    dnf clean all; \
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs \
        | sh -s -- -y -q --profile minimal --default-toolchain stable
ENV PATH=/root/.cargo/bin:${PATH}
WORKDIR /src
COPY . .
ARG PHISCRUB_GIT_COMMIT=unknown
ENV PHISCRUB_GIT_COMMIT=${PHISCRUB_GIT_COMMIT}
RUN set -eux; \
    cargo build --release --locked --no-default-features; \
    install -m 0755 target/release/phiscrub /bootstrap; \
    strip /bootstrap; \
    cd /; zip -q -j /phiscrub-lambda.zip /bootstrap

# ---- lambda-zip: only the zip, for `--output type=local`.
FROM scratch AS lambda-zip
COPY --from=lambda-build /phiscrub-lambda.zip /

# ---- runtime (the default target): the ECS service and sidecar image. The libhs runtime
# library only, a non-root user (uid 10001, as the ECS task definitions expect), and curl
# for the container health check.
FROM debian:bookworm-slim
RUN set -eux; \
    case "$(uname -m)" in x86_64) libhs=libhyperscan5 ;; *) libhs=libvectorscan5 ;; esac; \
    apt-get update -qq; \
    apt-get install -y -qq --no-install-recommends "$libhs" ca-certificates curl; \
    rm -rf /var/lib/apt/lists/*; \
    useradd --system --uid 10001 --home-dir /var/lib/phiscrub --create-home phiscrub; \
    install -d -o phiscrub -g phiscrub -m 0700 /var/lib/phiscrub/state
COPY --from=builder /src/target/release/phiscrub /usr/local/bin/phiscrub
USER phiscrub
WORKDIR /var/lib/phiscrub
# Listen on all interfaces inside the container; state (queues, quarantine) on a volume
# whose mount point already belongs to phiscrub, so a fresh volume (ECS bind mount, docker
# named volume) is writable by the non-root user. Off loopback, only the Firehose endpoint
# (access-key protected) is on by default: the sidecar task definition turns /v1/logs back
# on, and any open route needs a bearer token or an explicit allow_unauthenticated.
ENV PHISCRUB__SERVER__LISTEN=0.0.0.0:8080 \
    PHISCRUB__ADMIN__LISTEN=0.0.0.0:9090 \
    PHISCRUB__STATE_DIR=/var/lib/phiscrub/state \
    PHISCRUB__SOURCES__HTTP_LOGS__ENABLED=false \
    PHISCRUB__SOURCES__TRANSFORM__ENABLED=false
VOLUME ["/var/lib/phiscrub/state"]
EXPOSE 8080 9090
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD curl -fsS http://127.0.0.1:9090/live || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/phiscrub"]
CMD ["serve"]
