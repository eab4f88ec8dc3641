"""The officer web service (FastAPI).  Install the `service` extra."""
