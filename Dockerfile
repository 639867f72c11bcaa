# Two stages: the build stage installs the locked runtime packages into a virtualenv; the final
# image gets that virtualenv and the app, and no compiler, pip, setuptools or test tool (F17).
# docker-compose.yml runs two of these behind nginx on PostgreSQL; alone, it mirrors `make run`
# on SQLite: migrate, load the default dataset when empty, serve.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
COPY requirements.lock pyproject.toml deploy/runtime_requirements.py deploy/build.lock ./
# Runtime packages only, exactly as locked (hashes checked); current setuptools to build.
RUN python runtime_requirements.py requirements.lock pyproject.toml > /tmp/runtime.lock \
    && pip install --require-hashes --no-deps -r /tmp/runtime.lock \
    && pip install --require-hashes --no-deps -r build.lock
COPY app ./app
COPY migrations ./migrations
COPY templates ./templates
COPY static ./static
COPY alembic.ini README.md ./
# In place (templates, static and migrations are found beside app/), then drop the tools.
RUN pip install --no-deps --no-build-isolation -e . \
    && pip uninstall -y setuptools pip \
    && rm -f runtime_requirements.py build.lock \
    && find /opt/venv -name "__pycache__" -prune -exec rm -rf {} +

FROM python:3.11-slim
# The base image's own pip, setuptools and wheel go too: nothing here installs packages.
RUN python -m pip uninstall -y pip setuptools wheel \
    && useradd --create-home --uid 10001 explorer \
    && mkdir -p /app/data && chown explorer:explorer /app/data
ENV PATH=/opt/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 PORT=8000 WEB_CONCURRENCY=2
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
USER explorer
VOLUME ["/app/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz').status == 200 else 1)"
CMD ["sh", "-c", "explorer migrate && explorer load --if-empty && exec explorer serve"]
