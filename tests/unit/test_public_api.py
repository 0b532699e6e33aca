"""The public surface of flashpoint is small and exact (cf. httpx's test_exported_members)."""

import flashpoint


def test_exported_members() -> None:
    assert sorted(flashpoint.__all__) == sorted(
        ["Plan", "RunConfig", "World", "__version__", "load_world", "simulate"]
    )
    for name in flashpoint.__all__:
        assert hasattr(flashpoint, name), name


def test_importing_flashpoint_does_not_touch_global_state() -> None:
    import subprocess
    import sys

    code = (
        # third-party libraries add their own filters on import; load them first
        "import warnings, logging, numpy as np, scipy.stats, scipy.special, xarray, pandas;"
        "before = (warnings.filters[:], logging.root.level, np.geterr());"
        "import flashpoint;"
        "after = (warnings.filters[:], logging.root.level, np.geterr());"
        "assert before == after, (before, after)"
    )
    subprocess.run([sys.executable, "-W", "error", "-c", code], check=True)
