#!/usr/bin/env python3
"""Drive a live Bandwidth call: read its state, speak text, pause the recording, hang up.

Usage: live_call.py CALL_ID [TEXT]        (or set BW_CALL_ID)

Reads the call's state and prints it. A call that is not answered yet cannot
get new BXML (Bandwidth would answer 409 Conflict): the script says so and
exits 4. Otherwise it replaces the call's BXML with a <SpeakSentence> of TEXT,
built with bwvoice.bxml, which escapes it so that caller-supplied text cannot
close the verb and inject another (the default TEXT tries: it contains
"</SpeakSentence><Transfer>"), pauses then resumes the call's recording, hangs
up, and prints the final state and disconnect cause.

Exit status: 0 done, 4 the call is not answered (409), 1 other error, 2 usage.

Environment: BW_ACCOUNT_ID and the credentials (see example_env.py).
"""

from __future__ import annotations

import os
import sys

import example_env

import bwvoice
from bwvoice.bxml import Bxml, SpeakSentence

#: Caller-supplied text that tries to end the sentence and transfer the call.
DEFAULT_TEXT = (
    "Thanks for calling. </SpeakSentence><Transfer><PhoneNumber>+15550100</PhoneNumber>"
    "</Transfer><SpeakSentence>"
)


def describe(state: bwvoice.CallState) -> str:
    """One line about the call: state, parties, and when it was answered or ended."""
    line = f"{state.state} ({state.direction} call from {state.from_} to {state.to}"
    for event, when in (("answered", state.answer_time), ("ended", state.end_time)):
        if when is not None:  # an aware UTC datetime
            line += f", {event} at {when.isoformat(timespec='milliseconds')}"
    return line + ")"


def speak(text: str) -> str:
    """A BXML document that speaks ``text``: the library escapes it and checks the document."""
    return Bxml(SpeakSentence(text, voice="julie")).to_bxml()


def main(argv: list[str]) -> int:
    """Runs the sequence on the call named on the command line; returns the exit status."""
    env = os.environ.get
    call_id = argv[1] if len(argv) > 1 else env("BW_CALL_ID")
    text = argv[2] if len(argv) > 2 else DEFAULT_TEXT
    account_id = env("BW_ACCOUNT_ID")
    if not call_id or not account_id:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with example_env.client("live-call") as bw:
            state = bw.get_call_state(account_id, call_id)
            print(f"call {call_id} is {describe(state)}")
            if state.state != "answered":
                print(
                    f"call {call_id} is not answered: new BXML would be refused with "
                    "HTTP 409 Conflict; try again once it is answered"
                )
                return 4
            bxml = speak(text)
            print(f"caller text: {text}")
            print(f"new BXML:    {bxml}")
            bw.update_call_bxml(account_id, call_id, bxml)
            bw.pause_recording(account_id, call_id)
            print("recording paused")
            bw.resume_recording(account_id, call_id)
            print("recording resumed")
            bw.hangup(account_id, call_id)
            print(f"hung up call {call_id}")
            state = bw.get_call_state(account_id, call_id)
    except bwvoice.ConflictError as err:  # answered state changed under us
        print(f"call {call_id} is not answered: {err}")
        return 4
    except bwvoice.BandwidthError as err:
        print(f"live_call failed: {err.status}: {err}", file=sys.stderr)
        return 1
    print(f"call {call_id} is now {state.state} (disconnect cause: {state.disconnect_cause})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
