FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

# Every app of the product (.dockerignore leaves out the tests, benchmarks and local data):
# a new app needs no edit here.
COPY . ./
RUN pip install . \
    && useradd --system --uid 10001 midsummer \
    && DJANGO_SECRET_KEY=collectstatic DJANGO_ALLOWED_HOSTS=build \
       DATABASE_URL=postgres://build@build/build DJANGO_STATIC_ROOT=/app/static \
       python manage.py collectstatic --noinput

USER midsummer
ENV DJANGO_STATIC_ROOT=/app/static
EXPOSE 8000
CMD ["gunicorn", "midsummer.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
