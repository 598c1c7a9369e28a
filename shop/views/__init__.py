"""Thin views, one module per area of the shop: browse, checkout, orders."""
