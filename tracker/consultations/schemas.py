"""Request and response shapes of consultations (msgspec Structs, separate from the tables)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

import msgspec

from tracker.consultations.counting import Choice
from tracker.consultations.kinds import Channel, ConsultationKind, ItemClass, Scope, SheetStatus, Status, Visibility
from tracker.types import Area, Bounded, Id, Money

Text = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
RuleWord = Annotated[str, msgspec.Meta(max_length=40)]  # a rule parameter's name or exact value


class ItemIn(Bounded, forbid_unknown_fields=True):
    description: Text
    item_class: ItemClass = ItemClass.question
    estimated_cost: Money | None = None
    resident_share: Money | None = None


class ConsultationIn(msgspec.Struct, forbid_unknown_fields=True):
    """A draft consultation. `rule_params` holds exact values as strings, e.g. {"p": "9/10"}."""

    title: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    kind: ConsultationKind
    rule_key: Annotated[str, msgspec.Meta(max_length=40)]
    opens_at: dt.datetime
    closes_at: dt.datetime
    items: list[ItemIn]
    rule_params: Annotated[dict[RuleWord, RuleWord], msgspec.Meta(max_length=10)] = {}
    scope: Scope = Scope.project
    building_id: Id | None = None
    stairwell: Annotated[str, msgspec.Meta(max_length=20)] = ""
    visibility: Visibility = Visibility.after_close
    non_voters_agree: bool = False
    lock_ballots: bool = False


class ItemOut(msgspec.Struct):
    id: int
    position: int
    item_class: ItemClass
    description: str
    estimated_cost: Decimal | None
    resident_share: Decimal | None
    asks_again_id: int | None = None


class ConsultationOut(msgspec.Struct):
    id: int
    project_id: int
    title: str
    kind: ConsultationKind
    scope: Scope
    building_id: int | None
    stairwell: str
    round_no: int
    previous_id: int | None
    opens_at: dt.datetime
    closes_at: dt.datetime
    visibility: Visibility
    status: Status
    rule_key: str
    rule_params: dict[str, str]
    non_voters_agree: bool
    lock_ballots: bool
    items: list[ItemOut]
    roll_titles: int = 0
    allowed_actions: list[str] = []


class RollEntryOut(msgspec.Struct):
    id: int
    household_id: int
    certificate_no: str
    holder_names: str
    area: Decimal
    kind: str
    office: str
    subdistrict: str
    building: str
    stairwell: str


class RollEntryPatch(Bounded, forbid_unknown_fields=True):
    """A correction of one title on a draft roll (e.g. the registered area)."""

    area: Area | None = None
    office: Annotated[str, msgspec.Meta(max_length=80)] | None = None
    subdistrict: Annotated[str, msgspec.Meta(max_length=80)] | None = None


class VotingCode(msgspec.Struct, forbid_unknown_fields=True):
    code: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class WebBallotIn(msgspec.Struct, forbid_unknown_fields=True):
    """A resident's web ballot: the voting code from the letter and a choice per item id."""

    code: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    choices: dict[Id, Choice]


class PaperBallotIn(msgspec.Struct, forbid_unknown_fields=True):
    """A paper (or door-to-door) ballot entered by staff for one title, by certificate number or entry id."""

    choices: dict[Id, Choice]
    certificate_no: Annotated[str, msgspec.Meta(max_length=80)] | None = None
    roll_entry_id: Id | None = None
    channel: Channel = Channel.paper
    invalid_reason: Annotated[str, msgspec.Meta(max_length=500)] = ""
    proxy_name: Annotated[str, msgspec.Meta(max_length=120)] = ""
    proxy_reference: Annotated[str, msgspec.Meta(max_length=120)] = ""


class ConfirmIn(msgspec.Struct, forbid_unknown_fields=True):
    """The second staff member's own entry of the same sheet."""

    choices: dict[Id, Choice]


class ResolveIn(msgspec.Struct, forbid_unknown_fields=True):
    """A supervisor's decision on a mismatched sheet: count these choices, or reject the sheet."""

    choices: dict[Id, Choice] | None = None
    reject: bool = False


class SheetOut(msgspec.Struct):
    id: int
    consultation_id: int
    roll_entry_id: int
    certificate_no: str
    channel: Channel
    choices: dict[int, Choice]
    status: SheetStatus
    receipt_no: str
    invalid_reason: str
    proxy_name: str
    proxy_reference: str
    created_at: dt.datetime
    entered_by: int | None = None
    confirmed_by: int | None = None
    second_choices: dict[int, Choice] | None = None


class ReceiptOut(msgspec.Struct):
    receipt_no: str
    status: SheetStatus
    choices: dict[int, Choice]


class SigningIn(msgspec.Struct, forbid_unknown_fields=True):
    """Dates of one title's progress in the signing round; omitted dates stay as they are."""

    signed_on: dt.date | None = None
    sealed_on: dt.date | None = None
    moved_on: dt.date | None = None


class LotteryIn(msgspec.Struct, forbid_unknown_fields=True):
    seed: Annotated[str, msgspec.Meta(min_length=8, max_length=200)]
    purpose: Annotated[str, msgspec.Meta(pattern=r"^(signing|unit_selection)$")] = "signing"
