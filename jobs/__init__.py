"""Entry points, the `upt` CLI, the Spark session factory, configuration and table I/O.

Only this package reads files, writes tables or owns a SparkSession; transforms/ and matching/ stay pure.
"""
