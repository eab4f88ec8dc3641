"""docscreen.documents."""
