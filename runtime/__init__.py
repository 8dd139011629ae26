"""What every job runs on: configuration, the Spark session, the run log, input checks, submission.

Library packages (ingestion, matching, storage, ...) may import from here; nothing here imports a job.
"""
