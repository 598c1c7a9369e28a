"""The operator's admin: orders, reservations, emails, the API call log and shop settings.

Admin code never calls the KorusTicket API: actions call shop.services.operations, which
delegates to the service that owns the work.
"""

from shop.admin import emails, operations, orders, reservations  # noqa: F401
