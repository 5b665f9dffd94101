"""Pelican settings for the published site: development settings plus the public URL, built from scratch."""

from __future__ import annotations

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *

SITEURL = os.environ.get("SITE_URL", "https://sante.example.mc")
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = True
# The open data published last (a folder with its practitioners.json, establishments.json and changes.json), for
# the change log of a build from scratch: see OPEN_DATA_PREVIOUS in pelicanconf.py.
OPEN_DATA_PREVIOUS = os.environ.get("OPEN_DATA_PREVIOUS") or None
