"""docscreen.ocr."""
