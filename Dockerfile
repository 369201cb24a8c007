# The crmhub image: one image for web, worker and beat; the command picks the role.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    CRMHUB_DATA_DIR=/var/lib/crmhub

WORKDIR /app
COPY pyproject.toml README.md ./
COPY core ./core
COPY mapping ./mapping
COPY connectors ./connectors
COPY webhooks ./webhooks
COPY worker ./worker
COPY web ./web
RUN pip install . \
    && useradd --system --home-dir /var/lib/crmhub --create-home crmhub \
    && chmod 0700 /var/lib/crmhub

USER crmhub
EXPOSE 8000
CMD ["crmhub", "web"]
