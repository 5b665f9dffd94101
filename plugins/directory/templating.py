"""Four shortcuts in Jinja's runtime for the directory's language environments, same results, fewer steps.

At 200,000 pages a template engine's per-expression costs add up (profiled on the 10,000-professional build):

* ``{{ p.name }}`` compiles to ``environment.getattr(p, "name")``, which tries the Python attribute first and the
  item second. Our templates read plain dicts (the data records), so every such read raised and caught an
  ``AttributeError`` before finding the key: about 190 reads a page. Here a plain dict's key is read first, unless
  the name is one of dict's own methods (``items``, ``get``...), which keep Jinja's order.
* ``{{ url("...") }}`` and every macro call go through ``Context.call``, which inspects the callable for
  ``pass_context`` markers on each call (about 70 calls a page). Plain functions and macros take a direct path
  here; anything marked (filters and functions decorated with ``pass_context`` and friends) takes Jinja's.
* Every ``{{ value }}`` is escaped (autoescape), some 180 times a page: ``markupsafe.escape`` wraps its result with
  ``Markup(...)``, whose constructor checks for ``__html__`` again. Here a plain string's escaped text becomes a
  ``Markup`` directly, and a ``Markup`` (a macro's output) is returned as it is, which is what ``escape`` returns
  for it too.
* A template's globals are a plain dict rather than Jinja's ``ChainMap``: every name a template resolves is looked
  up there, millions of times in a large build.

They rest on internals of Jinja2 and MarkupSafe (``Template._from_namespace``, the arguments ``Context.call``
receives, how ``Macro`` is called, ``markupsafe._escape_inner``), read in the versions of ``CHECKED``, the
project's pins. With any other version installed the shortcuts switch themselves off, with one warning, and the
environments run on Jinja's own runtime, which renders the same bytes, more slowly (tests/site/test_templating.py
builds the demo site both ways and compares). The setting DIRECTORY_TEMPLATE_SHORTCUTS = False turns them off
too. Before raising a pin: read those internals in the new version, then update ``CHECKED``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import cache
from importlib import metadata
from types import BuiltinFunctionType, FunctionType, MethodType
from typing import Any

import markupsafe
from jinja2 import Environment, Template
from jinja2.runtime import Context, Macro
from markupsafe import Markup
from markupsafe import escape as markup_escape

# The C function markupsafe.escape() itself calls: private, hence CHECKED (None in a MarkupSafe without it).
_escape_inner: Any = getattr(markupsafe, "_escape_inner", None)
logger = logging.getLogger(__name__)

CHECKED = {"Jinja2": "3.1.6", "MarkupSafe": "3.0.4"}  # the versions whose internals the shortcuts were read in
DICT_METHODS = frozenset(name for name in dir(dict) if not name.startswith("__"))
PLAIN_CALLABLES = (FunctionType, BuiltinFunctionType, MethodType)
STOP_ITERATION = "value was undefined because a callable raised a StopIteration exception"
_new_str = str.__new__


def installed_versions() -> dict[str, str]:
    """The installed versions of the packages in ``CHECKED``."""
    return {name: metadata.version(name) for name in CHECKED}


@cache
def shortcuts_apply(versions: tuple[tuple[str, str], ...]) -> bool:
    """Whether the shortcuts are safe with these installed ``(package, version)`` pairs: only with those
    ``CHECKED``. When not, a warning says so, once (per process and set of versions)."""
    if dict(versions) == CHECKED and _escape_inner is not None:
        return True
    found = ", ".join(f"{name} {version}" for name, version in versions)
    checked = ", ".join(f"{name} {version}" for name, version in CHECKED.items())
    logger.warning(
        "Template shortcuts off: they were checked with %s; installed: %s. The pages are the same, built more "
        "slowly; plugins/directory/templating.py says how to check the shortcuts against these versions.",
        checked,
        found,
    )
    return False


def escape(value: Any) -> Markup:
    """``markupsafe.escape(value)``, with fewer steps for the two commonest kinds of value."""
    kind = type(value)
    if kind is str:
        return _new_str(Markup, _escape_inner(value))
    if kind is Markup:
        return value  # type: ignore[no-any-return]
    return markup_escape(value)


class DirectTemplate(Template):
    """A compiled template whose output expressions use ``escape`` above (the name the compiled code calls)."""

    @classmethod
    def _from_namespace(cls, environment: Environment, namespace: Any, globals: Any) -> Template:
        namespace["escape"] = escape
        return super()._from_namespace(environment, namespace, globals)


class DirectContext(Context):
    """A template context whose calls of plain functions and macros skip the marker inspection."""

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        kind = type(__obj)
        if kind is Macro:
            args = (__self.eval_ctx, *args)  # Macro.__call__ is pass_eval_context
        elif kind not in PLAIN_CALLABLES or hasattr(__obj, "jinja_pass_arg"):
            return super().call(__obj, *args, **kwargs)
        if kwargs:
            kwargs.pop("_loop_vars", None)
            kwargs.pop("_block_vars", None)
        try:
            return __obj(*args, **kwargs)
        except StopIteration:
            return __self.environment.undefined(STOP_ITERATION)


def direct(env: Environment, versions: Mapping[str, str] | None = None) -> Environment:
    """Install the shortcuts on ``env`` (an environment of our own, e.g. a language overlay) when the installed
    Jinja2 and MarkupSafe (``versions``: what ``installed_versions()`` finds, unless given) are those checked;
    else leave it as it is. Returns it."""
    if not shortcuts_apply(tuple(sorted((installed_versions() if versions is None else versions).items()))):
        return env
    attribute_first = env.getattr

    def getattr_(obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in DICT_METHODS:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return attribute_first(obj, attribute)

    env.getattr = getattr_  # type: ignore[method-assign]
    env.context_class = DirectContext
    env.template_class = DirectTemplate
    env.make_globals = lambda extra=None: {**env.globals, **(extra or {})}  # type: ignore[method-assign,misc]
    return env
