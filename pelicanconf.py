"""Pelican settings for development builds (publishconf.py adds what publishing needs)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

AUTHOR = "MonacoSanté"
SITENAME = "MonacoSanté"
SITEURL = ""
PATH = "content"
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS: list[str] = []
THEME = "theme"
TIMEZONE = "Europe/Monaco"
DEFAULT_LANG = "fr"
DELETE_OUTPUT_DIRECTORY = True
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
DEFAULT_PAGINATION = False
PLUGIN_PATHS = ["plugins"]
PLUGINS: list[str] = []
