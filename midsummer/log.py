"""Every log line names the schema and host it came from (``[schema:host]``)."""

from __future__ import annotations

import logging

from django_tenants.log import TenantContextFilter as StockTenantContextFilter


class TenantContextFilter(StockTenantContextFilter):
    """django-tenants' filter reads the connection's tenant, which a request sets only once its
    host is resolved: a request that fails before that (the database gone) would be logged
    under whichever tenant the worker served last. This one asks ``tenant.current``, which
    knows the request's host from the start."""

    def filter(self, record: logging.LogRecord) -> bool:
        from tenant.current import log_context

        record.schema_name, record.domain_url = log_context()
        return True
