# syntax=docker/dockerfile:1
# Build stage: install dependencies into a virtual environment, compile translations, collect static.
FROM python:3.11-slim-bookworm AS build
ENV PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
WORKDIR /app
RUN python -m venv /venv
COPY . .
RUN /venv/bin/pip install .
# Build commands need no SECRET_KEY (manage.py gives them a throwaway one); the server does.
RUN /venv/bin/python manage.py compilemessages --ignore=/venv -v0 \
 && /venv/bin/python manage.py collectstatic --noinput -v0

# Runtime stage: only the virtual environment and the application, run as a non-root user.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/venv/bin:$PATH
RUN useradd --create-home --uid 10001 hub
WORKDIR /app
COPY --from=build /venv /venv
COPY --from=build --chown=hub:hub /app /app
USER hub
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz/', timeout=4).status == 200 else 1)"
# Migrations are a release step: docker run IMAGE python manage.py migrate --noinput
# Workers, threads, limits and JSON logs: gunicorn.conf.py (WEB_CONCURRENCY, GUNICORN_THREADS).
CMD ["gunicorn", "hub.wsgi"]
