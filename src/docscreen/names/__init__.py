"""docscreen.names."""
