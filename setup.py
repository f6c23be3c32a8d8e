"""Build of the C module of the source-code stage; setuptools reads everything else from pyproject.toml."""

import hashlib
import os
import shutil
import sysconfig
from pathlib import Path

from setuptools import Extension, setup

SOURCE = Path(__file__).parent / "detectors" / "_codescan.c"
# Optional only where it cannot be built at all (no C compiler, or no Python headers): the stage then runs its
# numpy path (same findings, slower). Where it can, a compile error fails the install instead of leaving an old
# module in place.
CANNOT_BUILD = (shutil.which(os.environ.get("CC", "cc")) is None and shutil.which("gcc") is None) or not Path(
    sysconfig.get_paths()["include"], "Python.h").exists()
# The module carries the hash of its source, so that a module older than its source is noticed: the same hash as
# code_line_scores.source_digest (this file cannot import the package: the build runs without its dependencies).
DIGEST = hashlib.sha256(SOURCE.read_bytes()).hexdigest()[:16]

setup(ext_modules=[Extension(
    "detectors._codescan", [str(SOURCE.relative_to(SOURCE.parents[1]))], optional=CANNOT_BUILD,
    define_macros=[("CODESCAN_SOURCE", f'"{DIGEST}"')],
    extra_compile_args=["-O3", "-Werror=implicit-function-declaration"],
)])
