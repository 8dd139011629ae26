"""Data quality: expectation suites as data, GX validation, status and report rendering."""
