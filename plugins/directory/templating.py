"""Three shortcuts in Jinja's runtime for the directory's language environments, same results, fewer steps.

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
"""

from __future__ import annotations

from types import BuiltinFunctionType, FunctionType, MethodType
from typing import Any

from jinja2 import Environment, Template
from jinja2.runtime import Context, Macro
from markupsafe import Markup, _escape_inner  # type: ignore[attr-defined]  # the C function escape() itself calls
from markupsafe import escape as markup_escape

DICT_METHODS = frozenset(name for name in dir(dict) if not name.startswith("__"))
PLAIN_CALLABLES = (FunctionType, BuiltinFunctionType, MethodType)
STOP_ITERATION = "value was undefined because a callable raised a StopIteration exception"
_new_str = str.__new__


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


def direct(env: Environment) -> Environment:
    """Install the shortcuts on ``env`` (an environment of our own, e.g. a language overlay); returns it."""
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
    return env
