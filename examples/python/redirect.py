#!/usr/bin/env python3
"""Redirect a live Bandwidth call to new BXML.

Usage: redirect.py CALL_ID REDIRECT_URL [TAG]   (or set BW_CALL_ID, BW_REDIRECT_URL)

Bandwidth then requests REDIRECT_URL with a Redirect event and plays the BXML
it returns. TAG, if given, is attached to the call and sent with later events.

Environment: BW_ACCOUNT_ID and the credentials (see example_env.py).
"""

from __future__ import annotations

import os
import sys

import example_env

import bwvoice


def main(argv: list[str]) -> int:
    """Redirects the call named on the command line; returns the exit status."""
    env = os.environ.get
    call_id = argv[1] if len(argv) > 1 else env("BW_CALL_ID")
    redirect_url = argv[2] if len(argv) > 2 else env("BW_REDIRECT_URL")
    tag = argv[3] if len(argv) > 3 else None
    account_id = env("BW_ACCOUNT_ID")
    if not call_id or not redirect_url or not account_id:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with example_env.client("redirect") as bw:
            bw.redirect(account_id, call_id, redirect_url, tag=tag)
    except bwvoice.BandwidthError as err:
        print(f"redirect failed: {err.status}: {err}", file=sys.stderr)
        return 1
    print(f"redirected call {call_id} to {redirect_url}" + (f" (tag {tag!r})" if tag else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
