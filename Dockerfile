# Garde-fou proxy image: installed by scripts/install.sh (the same script as `make install` and CI), run as non-root.
# Build: docker build -t gardefou .   Run: docker compose up -d (proxy + Prometheus + Grafana)

# --- build: the virtual environment with pinned runtime dependencies and the spaCy model ---
FROM python:3.12-slim-bookworm AS build
# A C compiler for the source-code stage's C module (detectors/_codescan.c); the runtime stage gets the built module only.
RUN apt-get update -qq && apt-get install -y -qq --no-install-recommends gcc libc6-dev >/dev/null \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml setup.py requirements-runtime.lock requirements.lock README.md ./
COPY scripts/ scripts/
COPY gardefou/ gardefou/
COPY detectors/ detectors/
COPY proxy/ proxy/
COPY rules/ rules/
# Rules and policy were checked by CI on this commit (make test). The code's defaults look for rules/ beside the
# installed packages: point that at /app/rules, where the runtime stage puts them.
RUN scripts/install.sh python3 /opt/gardefou --runtime-only \
 && ln -s /app/rules "$(/opt/gardefou/bin/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')/rules"

# --- runtime: the venv and the rules, nothing else ---
FROM python:3.12-slim-bookworm
RUN groupadd --system --gid 10001 gardefou \
 && useradd --system --uid 10001 --gid gardefou --home-dir /var/lib/gardefou --create-home gardefou \
 && mkdir -p /var/lib/gardefou/ca /var/lib/gardefou/log \
 && chown -R gardefou:gardefou /var/lib/gardefou
COPY --from=build /opt/gardefou /opt/gardefou
COPY --from=build /src/rules /app/rules
ENV PATH=/opt/gardefou/bin:$PATH \
    GARDEFOU_RULES_DIR=/app/rules \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
USER gardefou:gardefou
# The CA (and the value-hash key) must survive restarts: every client trusts this CA.
VOLUME ["/var/lib/gardefou/ca", "/var/lib/gardefou/log"]
EXPOSE 8080 8081
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8081/healthz', timeout=4)"]
ENTRYPOINT ["gardefou", "run"]
CMD ["--listen-host", "0.0.0.0", "--listen-port", "8080", "--admin-port", "8081", \
     "--ca-dir", "/var/lib/gardefou/ca", "--policy", "/app/rules/policy.yaml", \
     "--set", "gardefou_admin_host=0.0.0.0", \
     "--set", "gardefou_rules_dir=/app/rules", \
     "--set", "gardefou_services=/app/rules/services", \
     "--set", "gardefou_incident_log=/var/lib/gardefou/log/incidents.jsonl"]
