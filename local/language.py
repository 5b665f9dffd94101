"""The root's language choice, as the CloudFront Function does it in production (infra/templates/index.js).

``/`` sends each visitor to a language's home: the one the language switcher remembered (cookie ``lang``), else the
first of the browser's Accept-Language the site speaks, else the default language. The two implementations answer
one table of cases (tests/infra/test_language_choice.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

COOKIE = "lang"  # set by theme/static/js/language.js when a language is chosen in the switcher


def choose_language(accept_language: str | None, cookies: Mapping[str, str], languages: Sequence[str]) -> str:
    """The remembered language, else the site's language the browser prefers most (RFC 9110 q-values; ``it-CH``
    counts as ``it``; the first of equal weights wins), else ``languages[0]``."""
    remembered = cookies.get(COOKIE)
    if remembered in languages:
        return str(remembered)
    best, best_q = languages[0], 0.0
    for item in (accept_language or "").split(","):
        code, *parameters = item.split(";")
        code = code.strip().lower().split("-")[0]
        q = 1.0
        for parameter in (p.strip().lower() for p in parameters):
            if parameter.startswith("q="):
                q = _weight(parameter[2:])
        if q > best_q and code in languages:
            best, best_q = code, q
    return best


def _weight(text: str) -> float:
    """A q-value; a malformed one (or out of 0..1) counts as "not acceptable", as JavaScript's Number() makes it."""
    try:
        q = float(text) if text.strip() else 0.0
    except ValueError:
        return 0.0
    return q if 0.0 <= q <= 1.0 else 0.0
