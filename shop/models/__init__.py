"""Local records of the shop, one module per concern; import each model here."""
