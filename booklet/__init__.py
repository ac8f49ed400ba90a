"""Booklet: Markdown chapters with typed sidebars in, designed PDF, print and EPUB publications out."""

__version__ = "0.1.0"
