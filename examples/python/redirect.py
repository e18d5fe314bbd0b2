#!/usr/bin/env python3
"""Redirect a live Bandwidth call to new BXML.

Usage: redirect.py CALL_ID REDIRECT_URL [TAG]   (or set BW_CALL_ID, BW_REDIRECT_URL)

Bandwidth then requests REDIRECT_URL with a Redirect event and plays the BXML
it returns. TAG, if given, is attached to the call and sent with later events.

Environment:
  BW_ACCOUNT_ID                  your Bandwidth account id (required)
  BW_USERNAME, BW_PASSWORD       API user credentials (HTTP Basic), or
  BW_CLIENT_ID, BW_CLIENT_SECRET OAuth2 client credentials
  BW_BASE_URL                    Voice API base URL (default: Bandwidth's)
  BW_TOKEN_URL                   OAuth2 token URL (default: Bandwidth's)
"""

from __future__ import annotations

import os
import sys

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
        with bwvoice.Client(
            username=env("BW_USERNAME"),
            password=env("BW_PASSWORD"),
            client_id=env("BW_CLIENT_ID"),
            client_secret=env("BW_CLIENT_SECRET"),
            base_url=env("BW_BASE_URL"),
            token_url=env("BW_TOKEN_URL"),
            user_agent_suffix="example-redirect",
        ) as bw:
            bw.redirect(account_id, call_id, redirect_url, tag=tag)
    except bwvoice.BandwidthError as err:
        print(f"redirect failed: {err.status}: {err}", file=sys.stderr)
        return 1
    print(f"redirected call {call_id} to {redirect_url}" + (f" (tag {tag!r})" if tag else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
