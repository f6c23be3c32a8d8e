"""Build of the C module of the source-code stage; setuptools reads everything else from pyproject.toml."""

import hashlib
import os
import shutil
from pathlib import Path

from setuptools import Extension, setup

SOURCE = Path(__file__).parent / "detectors" / "_codescan.c"
# Optional only where there is no C compiler at all: the stage then runs its numpy path (same findings, slower).
# Where there is one, a compile error fails the install instead of leaving an old module in place.
NO_COMPILER = shutil.which(os.environ.get("CC", "cc")) is None and shutil.which("gcc") is None
# The module carries the hash of its source, so that a module older than its source is noticed (code_line_scores).
DIGEST = hashlib.sha256(SOURCE.read_bytes()).hexdigest()[:16]

setup(ext_modules=[Extension(
    "detectors._codescan", [str(SOURCE.relative_to(SOURCE.parents[1]))], optional=NO_COMPILER,
    define_macros=[("CODESCAN_SOURCE", f'"{DIGEST}"')],
    extra_compile_args=["-O2", "-Werror=implicit-function-declaration"],
)])
