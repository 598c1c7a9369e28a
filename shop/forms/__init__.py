"""Django forms: static ones (customer details) and the dynamic ticket answers forms."""
