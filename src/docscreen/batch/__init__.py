"""docscreen.batch."""
