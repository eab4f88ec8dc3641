"""Image decoding, orientation, geometry and quality (uses OpenCV and Pillow)."""

from docscreen.imaging.load import LoadedImage, load_image, sniff_format

__all__ = ["LoadedImage", "load_image", "sniff_format"]
