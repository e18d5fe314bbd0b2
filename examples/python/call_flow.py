#!/usr/bin/env python3
"""Place an outbound call, find it in the account's calls, then mute a conference member.

Usage: call_flow.py --to NUMBER --from NUMBER --application-id ID
                    ANSWER_URL CONFERENCE_ID CALL_ID OTHER_CALL_ID

1. Places a call from --from to --to; once answered, Bandwidth fetches its
   first BXML from ANSWER_URL. The request carries a tag of its own.
   createCall is never sent twice: if it fails after it may have reached
   Bandwidth (``maybe_applied``), the script does not place it again but
   goes on to step 2 to see whether it was placed.
2. Lists the account's calls from --from to --to started since a minute
   before step 1 (every page, with iter_calls) and says whether the new call
   is among them.
3. Reads conference CONFERENCE_ID, mutes its member CALL_ID (a member's id is
   its call id) and shows both members, CALL_ID and OTHER_CALL_ID, as
   get_conference_member reads them.

Exit status: 0 done, 3 the conference or a member is unknown (404),
1 other error, 2 usage.

Environment: BW_ACCOUNT_ID and the credentials (see example_env.py).
"""

from __future__ import annotations

import argparse
import os
import sys
import uuid
from datetime import datetime, timedelta, timezone

import example_env

import bwvoice

#: How far before the attempt to look for the call: clocks differ a little.
CLOCK_MARGIN = timedelta(minutes=1)


def place(bw: bwvoice.Client, account_id: str, request: bwvoice.CreateCallRequest) -> str | None:
    """Places the call once; its id, or None when the failure may have placed it anyway."""
    try:
        created = bw.create_call(account_id, request)
    except bwvoice.BandwidthError as err:
        if not err.maybe_applied:
            raise
        print(f"createCall failed after it may have reached Bandwidth ({err}); not resent")
        return None
    print(f"placed call {created.call_id} to {created.to} (tag {created.tag})")
    return created.call_id


def find(
    bw: bwvoice.Client, account_id: str, request: bwvoice.CreateCallRequest, since: datetime
) -> list[bwvoice.CallState]:
    """The outbound calls from the request's number to its callee started since ``since``."""
    query = bwvoice.ListCallsQuery(to=request.to, from_=request.from_, min_start_time=since)
    return [call for call in bw.iter_calls(account_id, query) if call.direction == "outbound"]


def describe(member: bwvoice.ConferenceMember) -> str:
    """One line about a member: muted, on hold, whom it coaches."""
    coaching = ", ".join(member.call_ids_to_coach) or "no one"
    return f"member {member.call_id}: mute={member.mute}, hold={member.hold}, coaching {coaching}"


def main(argv: list[str]) -> int:
    """Runs the three steps; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--to", required=True, help="the number (E.164) or SIP URI to call")
    parser.add_argument("--from", dest="from_", required=True, help="your Bandwidth number")
    parser.add_argument("--application-id", required=True, help="the number's application")
    parser.add_argument("answer_url", metavar="ANSWER_URL")
    parser.add_argument("conference_id", metavar="CONFERENCE_ID")
    parser.add_argument("call_id", metavar="CALL_ID", help="the member to mute")
    parser.add_argument("other_call_id", metavar="OTHER_CALL_ID", help="another member")
    args = parser.parse_args(argv[1:])
    account_id = os.environ.get("BW_ACCOUNT_ID")
    if not account_id:
        print(__doc__, file=sys.stderr)
        return 2
    request = bwvoice.CreateCallRequest(
        to=args.to,
        from_=args.from_,
        application_id=args.application_id,
        answer_url=args.answer_url,
        tag=f"call-flow-{uuid.uuid4().hex[:12]}",
    )
    conference_id = args.conference_id
    try:
        with example_env.client("call-flow") as bw:
            since = datetime.now(timezone.utc) - CLOCK_MARGIN
            call_id = place(bw, account_id, request)
            found = find(bw, account_id, request, since)
            print(f"{len(found)} outbound call(s) from {request.from_} to {request.to} since then:")
            for call in found:
                mark = " <- the new call" if call.call_id == call_id else ""
                print(f"  {call.call_id} {call.state}{mark}")
            conference = bw.get_conference(account_id, conference_id)
            members = ", ".join(m.call_id or "?" for m in conference.active_members)
            print(f"conference {conference.name} ({conference_id}): members {members}")
            bw.update_conference_member(account_id, conference_id, args.call_id, mute=True)
            print(f"muted {args.call_id}")
            for member_id in (args.call_id, args.other_call_id):
                print(describe(bw.get_conference_member(account_id, conference_id, member_id)))
    except bwvoice.NotFoundError as err:
        print(f"conference {conference_id} or its member is unknown: {err}")
        return 3
    except bwvoice.BandwidthError as err:
        print(f"call_flow failed: {err.status}: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
