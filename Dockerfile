# syntax=docker/dockerfile:1
# Kontaktplan application image: one image for web (gunicorn), worker and beat (celery).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Unprivileged runtime user (fixed uid/gid so volume permissions are predictable).
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app

# Dependencies first for layer caching. requirements.txt is the pinned lock file
# (the same one the Makefile/README use); psycopg[binary] needs no system libpq.
# WeasyPrint (summons letters as PDF) needs Pango.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .

# Collect static files at build time (front-end assets are vendored in
# static/vendor/, so no network is needed). The env values below exist only for
# this RUN step and are not baked into the image.
RUN SECRET_KEY=build-only-not-a-secret \
    DEBUG=0 \
    ALLOWED_HOSTS=localhost \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput \
 && rm -f /tmp/build.sqlite3 \
 && mkdir -p /app/media \
 && chown app:app /app/media

USER app

EXPOSE 8000

CMD ["gunicorn", "jobcenter.wsgi:application", "--bind", "0.0.0.0:8000", "--worker-class", "jobcenter.gunicorn_worker.SyncWorker"]
