"""Compiled kernels, kept beside the mechanisms they speed up.

Every mechanism's NumPy code is the readable reference of its equations.
Where profiling showed the engine's time goes (``docs/performance.md``), a
mechanism also carries a compiled kernel of the same arithmetic, written as
explicit loops over runs and dyads in the same module, and chooses between
the two with :func:`enabled`. The tests hold every kernel to its reference
(float64, 1e-12 relative) and to the engine's determinism rules.

Backend
-------
``FLASHPOINT_KERNELS=numba`` (the default when Numba imports) or ``numpy``
(the reference everywhere); :func:`use` switches it for a block (tests,
benchmarks). Numba is imported, and a kernel compiled, at the kernel's first
call, so importing flashpoint (and ``flashpoint --help``) stays fast;
compiled code is cached on disk (``cache=True``).

Determinism
-----------
Kernels are compiled with ``nogil=True`` (the engine's own thread pool runs
chunks in parallel), without ``parallel`` or ``fastmath`` (no reassociated
sums), and with NumPy's error model (division by zero gives inf or nan, as
in the reference). A kernel loops over the runs of its chunk and does each
run's arithmetic in a fixed order, so a run's numbers do not depend on the
chunk size or on the number of threads.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["available", "backend", "enabled", "jit", "use"]

_BACKENDS = ("numba", "numpy")
_lock = threading.Lock()
_state: dict[str, Any] = {"backend": None, "available": None}


def available() -> bool:
    """Whether Numba can be imported here."""
    if _state["available"] is None:
        try:
            import numba  # noqa: F401
        except Exception:  # any import failure (missing, broken LLVM) means: not available
            _state["available"] = False
        else:
            _state["available"] = True
    return bool(_state["available"])


def backend() -> str:
    """The backend in use: ``"numba"`` or ``"numpy"``."""
    if _state["backend"] is None:
        wanted = os.environ.get("FLASHPOINT_KERNELS", "").strip().lower() or "numba"
        if wanted not in _BACKENDS:
            from flashpoint.errors import ParameterError

            raise ParameterError(
                f"FLASHPOINT_KERNELS expects one of {_BACKENDS}. Got {wanted!r} instead."
            )
        _state["backend"] = "numba" if wanted == "numba" and available() else "numpy"
    return str(_state["backend"])


def enabled() -> bool:
    """True when mechanisms should call their compiled kernels."""
    return backend() == "numba"


@contextmanager
def use(name: str) -> Iterator[None]:
    """Use backend ``name`` (``"numba"`` or ``"numpy"``) inside the block."""
    if name not in _BACKENDS:
        raise ValueError(f"backend expects one of {_BACKENDS}. Got {name!r} instead.")
    if name == "numba" and not available():
        raise RuntimeError("backend 'numba' asked for, but Numba is not installed")
    before = backend()
    _state["backend"] = name
    try:
        yield
    finally:
        _state["backend"] = before


class _Lazy:
    """A Numba ``njit`` dispatcher compiled at the first call."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.py_func = fn
        self.__name__ = fn.__name__
        self.__doc__ = fn.__doc__
        self._compiled: Callable[..., Any] | None = None

    def _dispatcher(self) -> Callable[..., Any]:
        if self._compiled is None:
            with _lock:
                if self._compiled is None:
                    import numba

                    self._compiled = numba.njit(
                        nogil=True, cache=True, fastmath=False, error_model="numpy"
                    )(self.py_func)
        return self._compiled

    def __call__(self, *args: Any) -> Any:
        return self._dispatcher()(*args)


def jit(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a kernel: compiled by Numba at its first call (see the module docstring).

    The undecorated Python function stays reachable as ``kernel.py_func``
    (slow, but handy to step through in a debugger).
    """
    return _Lazy(fn)
