"""Debian's Chromium for the browser tests and benchmarks: never a downloaded browser, with the flags this
machine's closed network needs (without the background-networking ones Chromium's own connections are refused)."""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
