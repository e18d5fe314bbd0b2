#!/usr/bin/env python3
"""Hang up a live Bandwidth call.

Usage: hangup.py CALL_ID        (or set BW_CALL_ID)

Exit status: 0 hung up, 3 the call was already gone (404), 1 other error.

Environment: BW_ACCOUNT_ID and the credentials (see example_env.py).
"""

from __future__ import annotations

import os
import sys

import example_env

import bwvoice


def main(argv: list[str]) -> int:
    """Hangs up the call named on the command line; returns the exit status."""
    call_id = argv[1] if len(argv) > 1 else os.environ.get("BW_CALL_ID")
    account_id = os.environ.get("BW_ACCOUNT_ID")
    if not call_id or not account_id:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with example_env.client("hangup") as bw:
            bw.hangup(account_id, call_id)
    except bwvoice.NotFoundError as err:
        print(f"call {call_id} was already gone: {err}")
        return 3
    except bwvoice.BandwidthError as err:
        print(f"hangup failed: {err.status}: {err}", file=sys.stderr)
        return 1
    print(f"hung up call {call_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
