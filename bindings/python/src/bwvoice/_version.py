"""The package version: the one place it is written down.

It equals the version of ``include/bwvoice.h`` (``BW_VERSION_STRING``) and is
the minimum native library version: :mod:`bwvoice._ffi` refuses a library
whose ``bw_version_number()`` is lower or has another major version.
"""

__version__ = "0.2.0"
