"""Pelican settings for the published site: development settings plus the public URL, built from scratch."""

from __future__ import annotations

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *

SITEURL = os.environ.get("SITE_URL", "https://sante.example.mc")
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = True
