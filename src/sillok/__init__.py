"""Sillok: an evidence repository for crimes in North Korea's detention system."""

from .__about__ import __version__

__all__ = ["__version__"]
