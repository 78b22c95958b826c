"""Version of the Sillok package."""

__version__ = "0.1.0"
