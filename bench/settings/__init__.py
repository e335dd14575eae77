"""Settings variants for the benchmark's gunicorn processes (never used by the product).

- ``ours``: Midsummer as deployed (our middleware and backend), DEBUG off.
- ``stock``: the same, with django-tenants' stock ``TenantMainMiddleware`` and backend.
- ``plain``: Django without django-tenants: the same middleware minus the tenant one, the
  connection's search_path fixed to one tenant's schema at connect time.
"""
