# The production image (docker-compose.yml). Pinned: the base image by version, every Python
# package by version and hash (requirements.lock, written by `make lock`).
FROM python:3.11.14-slim-bookworm

# PostgreSQL's client programs of the server's major version (the `db` service's image):
# export_tenant, import_tenant and delete_tenant run pg_dump/pg_restore (tenant/portability.py),
# which refuse a newer server. From the PostgreSQL project's own apt repository (PGDG): Debian
# ships only its release's version.
ARG PG_MAJOR=17

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    PG_BIN_DIR=/usr/lib/postgresql/${PG_MAJOR}/bin \
    DJANGO_STATIC_ROOT=/app/static \
    DJANGO_MEDIA_ROOT=/app/.data/media
WORKDIR /app

RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends ca-certificates curl; \
    install -d /usr/share/postgresql-common/pgdg; \
    curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc \
        https://www.postgresql.org/media/keys/ACCC4CF8.asc; \
    . /etc/os-release; \
    echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] \
https://apt.postgresql.org/pub/repos/apt ${VERSION_CODENAME}-pgdg main" \
        > /etc/apt/sources.list.d/pgdg.list; \
    apt-get update; \
    apt-get install -y --no-install-recommends "postgresql-client-${PG_MAJOR}"; \
    apt-get purge -y --auto-remove curl; \
    rm -rf /var/lib/apt/lists/*; \
    "${PG_BIN_DIR}/pg_dump" --version; \
    "${PG_BIN_DIR}/pg_restore" --version

# Dependencies first (a layer that changes only with the lock), checked against their hashes.
COPY requirements.lock ./
RUN pip install --require-hashes --no-deps -r requirements.lock

# Every app of the product (.dockerignore leaves out the tests, benchmarks and local data),
# run from /app (PYTHONPATH): a new app needs no edit here.
COPY . ./
# Uploads go to the `media` volume mounted on /app/.data/media: created here, owned by the app's
# user, so that a new named volume starts with that owner.
RUN useradd --system --uid 10001 --home-dir /app midsummer \
    && install -d -o midsummer -g midsummer /app/.data /app/.data/media \
    && DJANGO_SECRET_KEY=collectstatic DJANGO_ALLOWED_HOSTS=build OIDC_RSA_PRIVATE_KEY=build \
       DATABASE_URL=postgres://build@build/build \
       python manage.py collectstatic --noinput

USER midsummer
EXPOSE 8000
# Composes DATABASE_URL from POSTGRES_* (a password may hold any character), then runs CMD.
ENTRYPOINT ["python", "/app/deploy/entrypoint.py"]
CMD ["gunicorn", "midsummer.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
