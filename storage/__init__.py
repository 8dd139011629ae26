"""Table I/O in one place: Delta MERGE helpers, the project's own table schemas, the identity tables."""
