"""Query-engine side of the lakehouse: role patterns, view SQL for Trino and Athena, Trino registration."""
