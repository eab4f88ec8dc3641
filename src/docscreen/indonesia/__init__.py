"""docscreen.indonesia."""
