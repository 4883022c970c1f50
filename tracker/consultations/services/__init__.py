"""Consultation services: drafts, the frozen roll, voting codes, ballots, closing, deciding, signing.

Every business action is one service function, one transaction and one audit record. The counting
itself lives in `counting` / `rules` (pure) and `tally` (SQL); these modules only move state. Callers
write `services.verb(...)`; the sub-domains are:

- `records`: reading a consultation (its row, items, rule) and its response shape;
- `drafts`: creating and changing a draft and its items;
- `roll`: the roll from the register, frozen at opening, and the voting letters;
- `codes`: voting codes (derived, hashed, rate-limited when wrong);
- `lifecycle`: open, close, decide, the next round, daily snapshots, the scheduled closing;
- `sheets`: what every ballot sheet passes through (window, choices, lock, counting);
- `ballots`: web ballots by code, paper sheets with the second person, the supervisor's settling;
- `pg_ballot`: the PostgreSQL web ballot in one round trip of writes (bench/vote_storm.py);
- `results`: totals, rates, decisions and grouping, and when the public sees them;
- `signing`: signing rounds, the board across parcels, order lotteries, lost-contact titles.
"""

from tracker.consultations.services.ballots import (
    ballot_for_code,
    ballot_for_receipt,
    cast_web_ballot,
    confirm_paper_ballot,
    enter_paper_ballot,
    list_sheets,
    resolve_sheet,
    voting_window,
)
from tracker.consultations.services.codes import code_hash, voting_code
from tracker.consultations.services.drafts import create_consultation, update_consultation
from tracker.consultations.services.lifecycle import (
    close_consultation,
    close_due,
    decide_consultation,
    open_consultation,
    progress,
    snapshot_open,
    start_next_round,
    take_snapshot,
)
from tracker.consultations.services.records import (
    consultation_project,
    get_consultation,
    list_consultations,
    parse_rule,
    sheet_project,
)
from tracker.consultations.services.results import counts_json, figures, results_for, results_visible
from tracker.consultations.services.roll import edit_roll_entry, list_roll, rebuild_roll, roll_hash, voting_letters
from tracker.consultations.services.sheets import VOTER
from tracker.consultations.services.signing import (
    SIGNING_DATES,
    certificate_of,
    draw_lottery,
    get_lottery,
    lost_contact,
    record_signing,
    signing_board,
    signing_list,
)

__all__ = [
    "SIGNING_DATES",
    "VOTER",
    "ballot_for_code",
    "ballot_for_receipt",
    "cast_web_ballot",
    "certificate_of",
    "close_consultation",
    "close_due",
    "code_hash",
    "confirm_paper_ballot",
    "consultation_project",
    "counts_json",
    "create_consultation",
    "decide_consultation",
    "draw_lottery",
    "edit_roll_entry",
    "enter_paper_ballot",
    "figures",
    "get_consultation",
    "get_lottery",
    "list_consultations",
    "list_roll",
    "list_sheets",
    "lost_contact",
    "open_consultation",
    "parse_rule",
    "progress",
    "rebuild_roll",
    "record_signing",
    "resolve_sheet",
    "results_for",
    "results_visible",
    "roll_hash",
    "sheet_project",
    "signing_board",
    "signing_list",
    "snapshot_open",
    "start_next_round",
    "take_snapshot",
    "update_consultation",
    "voting_code",
    "voting_letters",
    "voting_window",
]
