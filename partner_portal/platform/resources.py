"""Where templates, static files and migrations live.

In a source checkout (also an editable install) they sit beside the package; a wheel carries them
inside the package (``[tool.hatch.build.targets.wheel.force-include]`` in pyproject.toml).
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # partner_portal/
_CHECKOUT = PACKAGE_DIR.parent


def resource_dir(name: str) -> Path:
    if (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / name).is_dir():
        return _CHECKOUT / name
    if (PACKAGE_DIR / name).is_dir():
        return PACKAGE_DIR / name
    raise FileNotFoundError(f"The {name}/ folder is neither beside the package nor inside it.")
