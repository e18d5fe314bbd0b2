"""What the Python examples share: a client configured from the environment.

Environment:
  BW_ACCOUNT_ID                  your Bandwidth account id (required)
  BW_CLIENT_ID, BW_CLIENT_SECRET OAuth2 client credentials (Bandwidth retired
                                 Basic API-user credentials on 2026-12-02)
  BW_BASE_URL                    Voice API base URL (default: Bandwidth's)
  BW_TOKEN_URL                   OAuth2 token URL (default: Bandwidth's)
"""

from __future__ import annotations

import os
from typing import Any

import bwvoice


def client(example: str, **options: Any) -> bwvoice.Client:
    """A client with the environment's credentials and URLs, plus ``options``.

    ``example`` names the example in the User-Agent (``example-<name>``).
    """
    env = os.environ.get
    return bwvoice.Client(
        client_id=env("BW_CLIENT_ID"),
        client_secret=env("BW_CLIENT_SECRET"),
        base_url=env("BW_BASE_URL"),
        token_url=env("BW_TOKEN_URL"),
        user_agent_suffix=f"example-{example}",
        **options,
    )
