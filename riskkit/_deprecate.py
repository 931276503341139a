"""Deprecation helpers: renamed keyword arguments, renamed functions, classes and methods.

Every rename keeps the old spelling working for a while and emits a :class:`FutureWarning`
(visible to end users by default, unlike ``DeprecationWarning``) that names the replacement.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["deprecated_alias", "deprecated_attr", "deprecated_method", "renamed_kwargs"]

F = TypeVar("F", bound=Callable[..., Any])


def renamed_kwargs(**renames: str) -> Callable[[F], F]:
    """Accept ``old=`` keyword arguments as the new names, with a :class:`FutureWarning`.

    Parameters
    ----------
    **renames : str
        ``old_name="new_name"`` pairs.

    Raises
    ------
    TypeError
        If a call passes both the old and the new name.

    Examples
    --------
    >>> import warnings
    >>> @renamed_kwargs(lev="leverage")
    ... def double(leverage):
    ...     return 2 * leverage
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     value = double(lev=3)
    >>> value, caught[0].category.__name__
    (6, 'FutureWarning')
    """

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for old, new in renames.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(
                            f"{func.__name__}() got both {old!r} (deprecated) and {new!r}; "
                            f"pass only {new!r}"
                        )
                    warnings.warn(
                        f"{func.__name__}(): argument {old!r} is deprecated and will be removed; "
                        f"use {new!r} instead",
                        FutureWarning,
                        stacklevel=2,
                    )
                    kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def deprecated_alias(obj: F, old: str, new: str) -> F:
    """Return a wrapper of function ``obj`` that warns that ``old`` is now called ``new``."""

    @functools.wraps(obj)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        warnings.warn(
            f"{old} is deprecated and will be removed; use {new} instead",
            FutureWarning,
            stacklevel=2,
        )
        return obj(*args, **kwargs)

    wrapper.__name__ = old.rsplit(".", 1)[-1]
    return wrapper  # type: ignore[return-value]


def deprecated_attr(module: str, aliases: dict[str, tuple[str, Any]]) -> Callable[[str], Any]:
    """Build a module-level ``__getattr__`` serving deprecated names.

    Parameters
    ----------
    module : str
        The module's ``__name__`` (for messages).
    aliases : dict
        ``old_name -> (new_name, object)``.
    """

    def module_getattr(name: str) -> Any:
        if name in aliases:
            new, value = aliases[name]
            warnings.warn(
                f"{module}.{name} is deprecated and will be removed; use {module}.{new} instead",
                FutureWarning,
                stacklevel=2,
            )
            return value
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    return module_getattr


def deprecated_method(new: str) -> Any:
    """A method (or property, if ``new`` is one) that warns and forwards to attribute ``new``.

    Use in a class body: ``old_name = deprecated_method("new_name")``. If ``new`` is a
    property the deprecated name is a method returning it (the old calling convention).
    """

    class _Forward:
        def __set_name__(self, owner: type, name: str) -> None:
            self.owner = owner.__name__
            self.name = name

        def __get__(self, instance: Any, owner: type | None = None) -> Any:
            if instance is None:
                return self
            message = (
                f"{self.owner}.{self.name} is deprecated and will be removed; "
                f"use {self.owner}.{new} instead"
            )
            target = getattr(type(instance), new)
            if isinstance(target, property):

                def call(*args: Any, **kwargs: Any) -> Any:
                    warnings.warn(message, FutureWarning, stacklevel=2)
                    return getattr(instance, new)

                return call
            warnings.warn(message, FutureWarning, stacklevel=2)
            return getattr(instance, new)

    return _Forward()
