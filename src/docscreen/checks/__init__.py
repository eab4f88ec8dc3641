"""docscreen.checks."""
