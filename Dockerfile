# phiscrub container image: the ECS service, the sidecar, and the base for the Lambda
# `bootstrap` binary. Not buildable on the development machines (no Docker engine); it
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

# ---- runtime: the libhs runtime library only, a non-root user, no shell tools needed
FROM debian:bookworm-slim
RUN set -eux; \
    case "$(uname -m)" in x86_64) libhs=libhyperscan5 ;; *) libhs=libvectorscan5 ;; esac; \
    apt-get update -qq; \
    apt-get install -y -qq --no-install-recommends "$libhs" ca-certificates curl; \
    rm -rf /var/lib/apt/lists/*; \
    useradd --system --uid 10001 --home-dir /var/lib/phiscrub --create-home phiscrub
COPY --from=builder /src/target/release/phiscrub /usr/local/bin/phiscrub
USER phiscrub
WORKDIR /var/lib/phiscrub
# Listen on all interfaces inside the container; state (queues, quarantine) on a volume.
ENV PHISCRUB__SERVER__LISTEN=0.0.0.0:8080 \
    PHISCRUB__ADMIN__LISTEN=0.0.0.0:9090 \
    PHISCRUB__STATE_DIR=/var/lib/phiscrub/state
VOLUME ["/var/lib/phiscrub/state"]
EXPOSE 8080 9090
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD curl -fsS http://127.0.0.1:9090/live || exit 1
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/phiscrub"]
CMD ["serve"]
