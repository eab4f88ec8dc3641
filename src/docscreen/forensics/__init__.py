"""docscreen.forensics."""
