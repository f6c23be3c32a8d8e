"""Build of the optional C module: setuptools reads everything else from pyproject.toml."""

from setuptools import Extension, setup

# optional: without a C compiler the install still succeeds and the source-code stage uses its numpy path.
setup(ext_modules=[Extension("detectors._codescan", ["detectors/_codescan.c"], optional=True,
                             extra_compile_args=["-O2"])])
