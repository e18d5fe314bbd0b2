"""The package version: the one place it is written down.

It must equal the native library's version (``bw_version()`` returns
``"bwvoice/" + __version__``); :mod:`bwvoice._ffi` refuses any other.
"""

__version__ = "0.1.0"
