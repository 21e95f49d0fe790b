FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1

# WeasyPrint's system libraries and fonts; gettext for compilemessages.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    fonts-dejavu-core gettext \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml ./
RUN pip install --upgrade pip && pip install .
COPY . .

RUN useradd --create-home --uid 1000 qualipref \
 && DJANGO_DEBUG=false DJANGO_SECRET_KEY=collectstatic-only-build-key-not-used-at-run-time-0123456789 \
    QUALIPREF_PUBLIC_URL=https://build.invalid \
    python manage.py collectstatic --noinput \
 && mkdir -p /app/media && chown -R qualipref /app/media
USER qualipref

EXPOSE 8000
CMD ["gunicorn", "qualipref.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
