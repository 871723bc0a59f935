# syntax=docker/dockerfile:1
# pipetrace's container image, in two stages: the build runs on Debian
# bookworm with exactly the packages of scripts/install-deps; the runtime is
# bookworm-slim with only the shared libraries the binary links (found with
# ldd + dpkg in the build stage, so the list follows the code) and CA
# certificates. It runs as the non-root user 65532 and writes nowhere but its
# --data-dir (/var/lib/pipetrace), so a read-only root filesystem works.
# No HEALTHCHECK: Kubernetes probes /healthz and /readyz.
#   make image            (or: docker build -t pipetrace:0.1.0 .)

FROM debian:bookworm AS build
WORKDIR /src
# The dependency layer first, so that a source change does not reinstall it.
COPY scripts/install-deps scripts/install-deps
RUN scripts/install-deps && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake -S . -B /build -G Ninja -DCMAKE_BUILD_TYPE=Release -DPIPETRACE_TESTS=OFF -DPIPETRACE_BENCH=OFF \
 && cmake --build /build --target pipetrace \
 && install -D -m 0755 -s /build/src/pipetrace /out/pipetrace
# The Debian packages of every shared library the binary needs. bookworm's
# libraries live under /usr/lib while ldd may print the /lib alias: try both.
RUN set -eu; \
    for lib in $(ldd /out/pipetrace | awk '$3 ~ /^\// {print $3}'); do \
      rel=${lib#/usr}; \
      dpkg -S "/usr$rel" 2>/dev/null || dpkg -S "$rel" 2>/dev/null \
        || { echo "no Debian package ships $lib" >&2; exit 1; }; \
    done | cut -d: -f1 | sort -u > /out/runtime-packages; \
    test -s /out/runtime-packages

FROM debian:bookworm-slim
COPY --from=build /out/runtime-packages /tmp/runtime-packages
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends ca-certificates $(cat /tmp/runtime-packages) \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/* /tmp/runtime-packages \
 && groupadd --gid 65532 pipetrace \
 && useradd --uid 65532 --gid 65532 --no-create-home --home-dir /var/lib/pipetrace --shell /usr/sbin/nologin pipetrace \
 && install -d -o 65532 -g 65532 -m 0750 /var/lib/pipetrace
COPY --from=build /out/pipetrace /usr/local/bin/pipetrace
# Numeric, so that Kubernetes' runAsNonRoot can verify it.
USER 65532:65532
WORKDIR /var/lib/pipetrace
# 8080: webhooks, UI, /metrics, /healthz, /readyz; 8443: the admission webhook (HTTPS).
EXPOSE 8080 8443
ENTRYPOINT ["/usr/local/bin/pipetrace"]
CMD ["serve", "--data-dir=/var/lib/pipetrace"]
