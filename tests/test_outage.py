"""A request whose database connection is lost answers 503 with Retry-After, never 500, and its
log lines name its own host (midsummer/outage.py). The connection is lost for real: its server
process is terminated from another connection, as a PostgreSQL restart does to every one."""

from __future__ import annotations

import io
import json
import logging

import psycopg
import pytest
from django.db import connection
from django.test import Client
from django_tenants.log import TenantContextFilter

from tenant.routing import resolver
from tests.processes import database_url_for_children, wait_for


def _lose_the_connection() -> None:
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    with psycopg.connect(database_url_for_children(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.fixture
def lost_connection(committed):
    """Each test loses this thread's connection once; afterwards it is replaced, as a server
    does at the end of the request that found it broken."""
    wait_for(
        lambda: Client(HTTP_HOST="alpha.localhost").get("/") and resolver.is_listening,
        timeout=5,
        what="the route listener",
    )
    yield _lose_the_connection
    connection.close()


@pytest.fixture
def log_lines():
    handler = next(
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(f, TenantContextFilter) for f in handler.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)  # type: ignore[attr-defined]
    try:
        yield lambda: stream.getvalue().splitlines()
    finally:
        handler.setStream(previous)  # type: ignore[attr-defined]


def test_page_whose_database_connection_is_lost_answers_503_with_retry_after(lost_connection):
    client = Client(HTTP_HOST="alpha.localhost")
    assert client.get("/").status_code == 200
    lost_connection()

    response = client.get("/")
    connection.close()
    after = client.get("/")

    assert (response.status_code, response["Retry-After"]) == (503, "10")
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    assert "<title>Back in a moment · Alpha</title>" in body  # the name from the route in memory
    assert "Please try again in a few seconds." in body
    assert after.status_code == 200


def test_host_resolved_while_the_database_is_gone_answers_503_and_logs_its_own_host(
    lost_connection, log_lines
):
    # The worker served beta last: its connection still names beta.
    assert Client(HTTP_HOST="beta.localhost").get("/").status_code == 200
    resolver.invalidate()  # alpha's route must be read from the database
    lost_connection()

    response = Client(HTTP_HOST="alpha.localhost").get("/no-such-page/")

    served = [line for line in log_lines() if "/no-such-page/" in line]
    assert (response.status_code, response["Retry-After"]) == (503, "10")
    assert "<title>Back in a moment</title>" in response.content.decode()
    assert len(served) == 1
    assert (
        " ERROR [-:alpha.localhost] django.request: Service Unavailable: /no-such-page/"
        in (served[0])
    )
    assert not [line for line in log_lines() if "beta" in line and "unavailable" in line]


def test_api_whose_database_connection_is_lost_answers_json_503(lost_connection):
    client = Client(HTTP_HOST="alpha.localhost")
    lost_connection()

    response = client.get("/api/me", HTTP_AUTHORIZATION="Bearer not-a-token")

    assert (response.status_code, response["Retry-After"]) == (503, "10")
    assert json.loads(response.content)["error"] == "unavailable"


def test_page_whose_database_connection_is_lost_speaks_the_visitors_language(lost_connection):
    client = Client(HTTP_HOST="alpha.localhost")
    lost_connection()

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 503
    assert "<h1>Gleich wieder da</h1>" in response.content.decode()
