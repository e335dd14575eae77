"""Every endpoint of the API's own schema — not a hand-picked list — asked with another
convention's token: 401, and nothing of this convention's data in the answer. A token that was
valid here and is asked elsewhere: the same."""

from __future__ import annotations

import re

import pytest

from tests.api.conftest import PRIVATE_NAME, api_client, token_for


def _operations(client) -> list[tuple[str, str]]:
    paths = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    return [
        (method.upper(), path)
        for path, methods in paths.items()
        for method in methods
        if method in {"get", "post", "put", "patch", "delete"}
    ]


@pytest.mark.parametrize("direction", ["beta token at alpha", "alpha token at beta"])
def test_a_foreign_token_is_refused_by_every_endpoint(tenant_a, tenant_b, convention, direction):
    beta_token, _app = token_for(tenant_b)
    alpha_token, _app = token_for(tenant_a)
    host, token = ("alpha", beta_token) if direction.startswith("beta") else ("beta", alpha_token)
    client = api_client(host, token)
    operations = _operations(api_client(host))

    answers = {}
    for method, path in operations:
        url = re.sub(r"\{[^}]+\}", str(convention.registration.pk), path)
        response = client.generic(method, url, "{}", content_type="application/json")
        answers[(method, path)] = response

    assert len(operations) >= 7
    for operation, response in answers.items():
        assert response.status_code == 401, operation
        assert response["Content-Type"] == "application/problem+json", operation
        assert PRIVATE_NAME.encode() not in response.content, operation
