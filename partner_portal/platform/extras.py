"""The optional parts of the installation (extras in pyproject.toml): what each is for, whether
its packages can be imported here, and the pip command that adds them."""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import shlex
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

# The optional parts (extras in pyproject.toml): what each is for, and its packages, each
# with the module it is imported as (tests/test_cli.py holds this equal to pyproject.toml).
EXTRAS: dict[str, tuple[str, dict[str, str]]] = {
    "dev": (
        "the built-in OpenID Provider and mail catcher of `partner-portal dev`",
        {"oidc-provider-mock": "oidc_provider_mock", "aiosmtpd": "aiosmtpd"},
    ),
}


def missing_packages(extra: str) -> list[str]:
    """The packages of the optional part ``extra`` that cannot be imported here (each with the
    module that is missing, when that is another package it needs)."""
    missing = []
    for package, module in EXTRAS[extra][1].items():
        try:
            # Theirs, at import (as devtools/provider.py does). Recorded, not only filtered:
            # Authlib, first imported here, turns its deprecation warnings back on ("always").
            with warnings.catch_warnings(record=True):
                warnings.simplefilter("ignore", DeprecationWarning)
                importlib.import_module(module)
        except ImportError as exc:
            needs = exc.name if isinstance(exc, ModuleNotFoundError) else None
            if needs and needs.partition(".")[0] != module.partition(".")[0]:
                missing.append(f"{package} (it cannot import {needs})")
            else:
                missing.append(package)
    return missing


def missing_message(extra: str, missing: Sequence[str]) -> str:
    purpose = EXTRAS[extra][0]
    return (
        f"partner-portal: cannot start `{extra}`.\n"
        f"It needs the optional part [{extra}] ({purpose}), and these of its packages are "
        f"missing: {', '.join(missing)}.\n"
        f"Install them into this Python with:\n"
        f"    {install_command(extra)}\n"
        "(`partner-portal serve` needs none of them: it uses the configured OpenID Provider "
        "and SMTP server.)"
    )


def install_command(extra: str) -> str:
    """The command that adds ``extra`` to the environment this runs in: from the directory or
    wheel the portal was installed from, if pip recorded one that is still there, else by name."""
    target = f"partner-portal[{extra}]"
    editable = False
    try:
        recorded = importlib.metadata.distribution("partner-portal").read_text("direct_url.json")
        origin = json.loads(recorded or "{}")
    except (importlib.metadata.PackageNotFoundError, ValueError):
        origin = {}
    url = origin.get("url", "") if isinstance(origin, dict) else ""
    if url.startswith("file://"):
        path = Path(unquote(urlsplit(url).path))
        if path.is_dir() or (path.is_file() and path.suffix == ".whl"):
            target = f"{path}[{extra}]"
            editable = bool(origin.get("dir_info", {}).get("editable"))
    return " ".join(
        [shlex.quote(sys.executable), "-m", "pip", "install"]
        + (["-e"] if editable else [])
        + [shlex.quote(target)]
    )
