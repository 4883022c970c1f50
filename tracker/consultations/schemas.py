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
# A telephone number as offices print it: digits with an optional leading +, spaces, hyphens and
# brackets between them ("021-6321 4567", "138 1234 5678", "+86 (21) 63214567"); empty for none.
Phone = Annotated[str, msgspec.Meta(max_length=40, pattern=r"^(\+?[0-9][0-9 ()-]{3,37}[0-9])?$")]


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
    organiser: Annotated[str, msgspec.Meta(max_length=120)] = ""  # 组织单位, printed on the letters
    contact_phone: Phone = ""  # 联系电话, printed on the letters


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
    organiser: str = ""
    contact_phone: str = ""
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


class SheetFormIn(msgspec.Struct):
    """The consultation a ballot-sheet form on a page names, so the answer is that consultation's page
    (a page's own field: the API's sheet routes do not need it). Bounded like the id column."""

    consultation_id: Annotated[int, msgspec.Meta(ge=1, le=2_147_483_647)]


# ---------------------------------------------------------------- results, progress, lottery


class CountsOut(msgspec.Struct):
    """Exact totals of an item (`counting.Counts`): titles, heads (总人数) and areas; never floats."""

    roll_titles: int
    roll_area: Decimal
    roll_heads: int
    returned_titles: int
    agree_titles: int
    oppose_titles: int
    abstain_titles: int
    invalid_titles: int  # 废票
    not_voted_titles: int  # 未表决
    participating_heads: int
    participating_area: Decimal
    agree_heads: int
    agree_area: Decimal
    non_voters_counted_as_agree: bool


class FiguresOut(CountsOut):
    """The counts with the posted rates, e.g. "93.10%" ("—" with nothing to divide by); display only."""

    participation_rate_heads: str
    participation_rate_area: str
    agree_rate_heads: str
    agree_rate_area: str
    agree_rate_roll: str  # 同意率 of the whole roll


class ResultRowOut(FiguresOut):
    """One row of a grouped tally: `labels` name the group; fewer labels are a subtotal, none the total."""

    level: str
    labels: dict[str, str | None]


class ReasonOut(msgspec.Struct):
    """One comparison the rule made, with exact figures as strings, e.g. "2/3"."""

    code: str
    numerator: str
    denominator: str
    threshold: str
    comparison: str
    met: bool
    text_zh: str
    text_en: str


class ItemResultOut(msgspec.Struct):
    item: ItemOut
    totals: FiguresOut
    passed: bool
    final: bool  # recorded by the decision; false while the result is provisional
    reasons: list[ReasonOut]
    rows: list[ResultRowOut]


class ResultsOut(msgspec.Struct):
    consultation_id: int
    status: Status
    rule_key: str
    rule_params: dict[str, str]
    non_voters_agree: bool
    non_voters_notice: str
    dimensions: list[str]
    items: list[ItemResultOut]


class ProgressDayOut(msgspec.Struct):
    """One daily snapshot: the counts per item id."""

    day: dt.date
    tally: dict[str, CountsOut]


class LotteryOut(msgspec.Struct):
    purpose: str
    seed: str
    order: list[str]  # certificate numbers in drawn order
    result_hash: str
    algorithm: str
