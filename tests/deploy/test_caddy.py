"""deploy/Caddyfile with a real Caddy in front of a real gunicorn: certificates on demand for
verified custom domains and platform hosts only (the ask endpoint), the ask endpoint closed to
the outside. Caddy's internal CA stands in for Let's Encrypt (CADDY_CERT_ISSUER=internal).

Without a ``caddy`` binary these tests skip, except under CI (env ``CI`` set), where they fail:
``.ci/run`` installs Debian's caddy package."""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator

import pytest
from cryptography import x509

from tenant.models import CustomDomain, Tenant
from tenant.services import custom_domain_add, custom_domain_verify
from tests.processes import ROOT, free_port, start_gunicorn, stop, wait_for

pytestmark = pytest.mark.slow

CADDY = shutil.which("caddy")
VERIFIED = "tickets.alpha-con.test"
PENDING = "pending.alpha-con.test"


@pytest.fixture
def caddy_binary() -> str:
    if CADDY is None:
        reason = "no caddy binary (apt-get install caddy)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set: the Caddy tests must run)")
        pytest.skip(reason)
    return CADDY


@pytest.fixture
def custom_domains(committed) -> Iterator[None]:
    # Committed: gunicorn's own connections must see them.
    alpha = Tenant.objects.get(schema_name="alpha")
    custom_domain_verify(custom_domain=custom_domain_add(tenant=alpha, domain=VERIFIED))
    custom_domain_add(tenant=alpha, domain=PENDING)
    try:
        yield
    finally:
        CustomDomain.objects.filter(domain__in=[VERIFIED, PENDING]).delete()


@pytest.fixture
def stack(caddy_binary, custom_domains, tmp_path) -> Iterator[tuple[int, int]]:
    """(https port, http port) of Caddy run from deploy/Caddyfile, proxying to gunicorn."""
    app, app_port = start_gunicorn(
        tmp_path / "gunicorn.log",
        DJANGO_ALLOWED_HOSTS=f".localhost,localhost,{VERIFIED},{PENDING}",
    )
    https_port, http_port = free_port(), free_port()
    log = (tmp_path / "caddy.log").open("wb")
    caddy = subprocess.Popen(  # noqa: S603 - the system's caddy with the repository's config
        [caddy_binary, "run", "--config", str(ROOT / "deploy/Caddyfile"), "--adapter", "caddyfile"],
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "XDG_DATA_HOME": str(tmp_path / "data"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "PLATFORM_DOMAIN": "localhost",
            "MIDSUMMER_UPSTREAM": f"127.0.0.1:{app_port}",
            "CADDY_CERT_ISSUER": "internal",
            "CADDY_ADMIN": "off",
            "CADDY_HTTPS_PORT": str(https_port),
            "CADDY_HTTP_PORT": str(http_port),
        },
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    def listening() -> bool:
        try:
            socket.create_connection(("127.0.0.1", https_port), timeout=1).close()
            return True
        except OSError:
            return False

    try:
        wait_for(listening, timeout=30, what=f"caddy; log: {tmp_path / 'caddy.log'}")
        yield https_port, http_port
    finally:
        stop(caddy)
        stop(app)


def handshake(port: int, name: str) -> x509.Certificate:
    """A TLS handshake naming ``name`` (SNI): the certificate Caddy presents."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # Caddy's internal CA; the name is checked below
    with socket.create_connection(("127.0.0.1", port), timeout=15) as raw:
        with context.wrap_socket(raw, server_hostname=name) as tls:
            der = tls.getpeercert(binary_form=True)
    assert der is not None
    return x509.load_der_x509_certificate(der)


def names(certificate: x509.Certificate) -> list[str]:
    san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    return san.value.get_values_for_type(x509.DNSName)


def https_get(port: int, name: str, path: str) -> tuple[int, bytes]:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port), timeout=15) as raw:
        with context.wrap_socket(raw, server_hostname=name) as tls:
            tls.sendall(
                f"GET {path} HTTP/1.1\r\nHost: {name}\r\nConnection: close\r\n\r\n".encode()
            )
            data = b""
            while chunk := tls.recv(65536):
                data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


def test_caddy_certificates_on_demand_for_served_hosts_only(stack):
    # One stack for every check: starting gunicorn and Caddy is the slow part.
    https_port, http_port = stack

    # A verified custom domain and a platform host: a certificate for that very name.
    assert names(handshake(https_port, VERIFIED)) == [VERIFIED]
    assert names(handshake(https_port, "alpha.localhost")) == ["alpha.localhost"]
    status, body = https_get(https_port, VERIFIED, "/")
    assert status == 200
    assert b"Alpha" in body

    # Anything else: no certificate, the handshake fails.
    for name in [PENDING, "unknown.example", "nobody.localhost", "alpha.localhost.attacker.test"]:
        with pytest.raises(ssl.SSLError):
            handshake(https_port, name)

    # The ask endpoint is Caddy's alone.
    assert https_get(https_port, "alpha.localhost", "/internal/tls-ask?domain=x.test") == (
        404,
        b"",
    )

    # Plain HTTP is redirected to HTTPS.
    with socket.create_connection(("127.0.0.1", http_port), timeout=15) as conn:
        conn.sendall(b"GET /x HTTP/1.1\r\nHost: alpha.localhost\r\nConnection: close\r\n\r\n")
        head = conn.recv(65536).split(b"\r\n")
    assert head[0].split()[1] == b"308"
    assert any(line.lower().startswith(b"location: https://alpha.localhost") for line in head)


def test_caddyfile_passes_caddy_validate(caddy_binary, tmp_path):
    result = subprocess.run(  # noqa: S603
        [
            caddy_binary,
            "validate",
            "--config",
            str(ROOT / "deploy/Caddyfile"),
            "--adapter",
            "caddyfile",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path)},
    )

    assert result.returncode == 0, result.stderr
