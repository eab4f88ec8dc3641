"""docscreen.cases."""
