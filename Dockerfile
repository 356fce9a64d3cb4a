# syntax=docker/dockerfile:1
#
# The Maturity Portal's production image. One image runs every process: the web process
# (gunicorn), the Celery worker, Celery beat and the one-off migrate step; the first argument
# picks which (see deploy/entrypoint). Nothing secret is baked in: every setting comes from the
# environment when a container starts (docs/deployment.md lists them).
#
#   docker compose build            (or: docker build -t maturity-portal:local .)

# Debian 12 (bookworm), the system the stack is tested on; Python 3.11 as in pyproject.toml.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- Build stage: the locked run-time dependencies in a virtual environment ----------------------
FROM ${PYTHON_IMAGE} AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
COPY requirements/base.txt /tmp/requirements-base.txt
# Wheels only: the slim image has no compiler, and every pinned package publishes wheels.
RUN /opt/venv/bin/pip install --only-binary=:all: -r /tmp/requirements-base.txt

# --- Run-time stage ------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=maturity_portal.settings.production \
    STATIC_ROOT=/app/staticfiles \
    VAR_DIR=/var/lib/portal \
    MEDIA_ROOT=/var/lib/portal/media \
    PORT=8000

# WeasyPrint (PDF reports) loads Pango, HarfBuzz and fontconfig at run time; DejaVu is the font
# the report styles fall back to.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        libfontconfig1 \
        fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# An unprivileged user runs every process. The code stays owned by root (read-only to the
# portal); only the evidence directory under /var/lib/portal is the portal's to write. A named
# volume mounted there starts with this ownership.
RUN groupadd --gid 10001 portal \
    && useradd --uid 10001 --gid portal --home-dir /home/portal --create-home \
        --shell /usr/sbin/nologin portal \
    && install -d -o portal -g portal -m 0750 /var/lib/portal /var/lib/portal/media

COPY --from=build /opt/venv /opt/venv

WORKDIR /app
# What is copied is decided by .dockerignore (no .env, .git, .venv, var/ or tests).
COPY . /app

# Static files are collected at build time into STATIC_ROOT and served by whitenoise. The
# production settings refuse to load without SECRET_KEY and ALLOWED_HOSTS, so this one command
# gets a random key that is thrown away with it.
RUN chmod 0755 /app/deploy/entrypoint \
    && SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
        ALLOWED_HOSTS=build.invalid \
        python manage.py collectstatic --noinput \
    && python -m compileall -q /app

USER portal:portal

EXPOSE 8000

ENTRYPOINT ["/app/deploy/entrypoint"]
CMD ["web"]
