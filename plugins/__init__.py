"""Pelican plugins of the portal (each folder is one plugin)."""
