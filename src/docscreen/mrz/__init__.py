"""docscreen.mrz."""
