"""Entry points: one thin module per `upt` command, the CLI, the Spark session factory and configuration.

The work itself lives in the domain packages (ingestion/, storage/, resolution/, publishing/, ...);
transforms/ and matching/ stay pure.
"""
