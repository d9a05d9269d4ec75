# switchyard in a container: a build stage with the toolchain (installed by scripts/setup, the
# same script a developer runs) and a small run stage with the binary, whose dashboard (/ui) is
# embedded, the demo model, and only the shared libraries the binary links.
#   podman build --isolation chroot -t switchyard .      (or: docker build -t switchyard .)
#   bench/container_image.sh                             builds it here and smoke-tests it
# Config, models and the store are volumes: mount your own switchyard.yaml at /etc/switchyard and
# your GGUF files at /models. Both stages are Debian 12, as the project's own machines.
ARG BASE_IMAGE=debian:bookworm-slim

FROM ${BASE_IMAGE} AS build
ENV DEBIAN_FRONTEND=noninteractive
WORKDIR /src
# The toolchain first, from the setup script alone, so a change of the sources reuses this layer.
COPY scripts/setup scripts/setup-llama scripts/
COPY ui/package.json ui/package-lock.json ui/
COPY deploy/container/seed/ca/ /usr/local/share/ca-certificates/
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
RUN apt-get update -q && apt-get install -y -q --no-install-recommends sudo ca-certificates \
 && update-ca-certificates \
 && SWITCHYARD_SKIP_NPM=1 SWITCHYARD_SKIP_LLAMA=1 scripts/setup
# llama.cpp, pinned by scripts/setup-llama. bench/container_image.sh may seed its cache with the
# identical build it made on the host (same pinned source, same Debian compiler, so the same cache
# key); without a seed it is built here.
COPY deploy/container/seed/ /tmp/image-cache/
RUN mkdir -p /root/.cache/switchyard \
 && if [ -d /tmp/image-cache/llama ]; then cp -a /tmp/image-cache/llama/. /root/.cache/switchyard/; fi \
 && scripts/setup-llama
COPY . .
RUN make build-server JOBS="$(nproc)" \
 && strip build/release/switchyard
# The demo model: the one bench/container_image.sh copied from the host's model cache (trained by
# scripts/demo-model from the same data and code), else trained here (about five minutes on 2 cores).
RUN if [ -f /tmp/image-cache/models/faq-tiny.gguf ]; then \
      mkdir -p var/models && cp /tmp/image-cache/models/faq-tiny.gguf* var/models/; \
    else scripts/demo-model build/release/switchyard; fi
# The Debian packages that hold the shared libraries the binary links, for the run stage.
RUN for lib in $(ldd build/release/switchyard | awk '$3 ~ /^\// {print $3}'); do \
      dpkg -S "$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")" 2>/dev/null || dpkg -S "${lib#/usr}"; \
    done | cut -d: -f1 | sort -u >/src/runtime-packages \
 && cat /src/runtime-packages

FROM ${BASE_IMAGE} AS run
ENV DEBIAN_FRONTEND=noninteractive
COPY --from=build /src/runtime-packages /tmp/runtime-packages
RUN apt-get update -q \
 && apt-get install -y -q --no-install-recommends ca-certificates curl $(cat /tmp/runtime-packages) \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/switchyard --shell /usr/sbin/nologin switchyard \
 && mkdir -p /etc/switchyard /models /var/lib/switchyard /usr/share/switchyard \
 && chown switchyard:switchyard /var/lib/switchyard
COPY --from=build /src/build/release/switchyard /usr/local/bin/switchyard
COPY --from=build /src/var/models/ /models/
COPY --from=build /src/data/prices.yaml /usr/share/switchyard/prices.yaml
COPY --from=build /src/data/faq/faq.jsonl /usr/share/switchyard/faq/faq.jsonl
COPY deploy/container/switchyard.yaml /etc/switchyard/switchyard.yaml
USER switchyard
WORKDIR /var/lib/switchyard
VOLUME ["/etc/switchyard", "/models", "/var/lib/switchyard"]
EXPOSE 8080
# Ready = the store is open and a model can answer; /healthz (alive) is for liveness. Set
# SWITCHYARD_PORT too when SWITCHYARD_LISTEN (or your config) moves the port. Docker's image format
# keeps this; OCI's has no health check (podman build --format docker).
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${SWITCHYARD_PORT:-8080}/readyz" || exit 1
ENTRYPOINT ["/usr/local/bin/switchyard"]
CMD ["serve", "--config", "/etc/switchyard/switchyard.yaml"]
