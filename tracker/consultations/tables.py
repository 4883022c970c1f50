"""Tables of consultations: the consultation, its items, the frozen roll, ballots, decisions, signing."""

from __future__ import annotations

from decimal import Decimal

from piccolo.columns import (
    BigInt,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check, Unique
from piccolo.table import Table

from tracker.accounts.tables import User
from tracker.consultations.counting import Choice
from tracker.consultations.kinds import (
    Channel,
    ConsultationKind,
    ItemClass,
    Scope,
    SheetStatus,
    Status,
    Visibility,
)
from tracker.register.kinds import HouseholdKind
from tracker.register.tables import Building, Household, Project
from tracker.schema import one_of

AREA = (12, 2)
MONEY = (14, 2)


class Consultation(Table):
    """One round of a resident consultation (征询 / 表决)."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    title = Varchar(length=200, null=False)
    kind = Varchar(length=20, null=False)
    scope = Varchar(length=20, default=Scope.project.value)
    building = ForeignKey(references=Building, null=True, default=None, on_delete=OnDelete.restrict)
    stairwell = Varchar(length=20, default="")
    round_no = Integer(default=1)
    # Self-references check at the end of the statement (NO ACTION), so a whole chain of rounds can be
    # removed in one statement; RESTRICT would refuse row by row.
    previous = ForeignKey(references="self", null=True, default=None, on_delete=OnDelete.no_action)
    opens_at = Timestamptz(null=False)
    closes_at = Timestamptz(null=False)
    visibility = Varchar(length=20, default=Visibility.after_close.value)
    status = Varchar(length=20, default=Status.draft.value, index=True)
    rule_key = Varchar(length=40, null=False)
    rule_params = Text(default="{}")  # JSON, exact values as strings ("9/10")
    non_voters_agree = Boolean(default=False)
    lock_ballots = Boolean(default=False)
    # Printed on the voting letters: who runs the consultation (组织单位) and whom residents call.
    organiser = Varchar(length=120, default="")
    contact_phone = Varchar(length=40, default="")
    # Voting codes are derived from the instance secret and this salt; only their hashes are stored.
    code_salt = Varchar(length=64, default="")
    opened_at = Timestamptz(null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())

    kind_known = Check(one_of("kind", ConsultationKind))
    scope_known = Check(one_of("scope", Scope))
    visibility_known = Check(one_of("visibility", Visibility))
    status_known = Check(one_of("status", Status))
    window_ordered = Check('"closes_at" > "opens_at"')
    round_positive = Check('"round_no" >= 1')


class ConsultationItem(Table):
    """One item of a retrofit menu (改造菜单项), or the single question of other kinds."""

    id = Serial(primary_key=True)
    consultation = ForeignKey(references=Consultation, null=False, index=True, on_delete=OnDelete.restrict)
    position = Integer(null=False)
    item_class = Varchar(length=20, default=ItemClass.question.value)
    description = Text(null=False)
    estimated_cost = Numeric(digits=MONEY, null=True, default=None)  # 估算造价（元）
    resident_share = Numeric(digits=MONEY, null=True, default=None)  # 居民出资（元）
    # In a later round, the failed item of the previous round this one asks again.
    asks_again = ForeignKey(references="self", null=True, default=None, on_delete=OnDelete.no_action)

    consultation_item_position_unique = Unique([consultation, position])
    item_class_known = Check(one_of("item_class", ItemClass))
    costs_not_negative = Check(
        (estimated_cost.is_null() | (estimated_cost >= Decimal(0)))
        & (resident_share.is_null() | (resident_share >= Decimal(0)))
    )


class ConsultationRollGroup(Table):
    """Roll titles sharing the posting layout's labels (kind, office, subdistrict: `tally.STORED`).

    Titles and area are summed here when the roll is built, so a tally grouped by these labels reads
    groups and `TallyCell`s instead of every title (see `tally.py`).
    """

    id = Serial(primary_key=True)
    consultation = ForeignKey(references=Consultation, null=False, on_delete=OnDelete.restrict)
    kind = Varchar(length=20, null=False)
    office = Varchar(length=80, default="")
    subdistrict = Varchar(length=80, default="")
    titles = Integer(null=False)
    area_centi = BigInt(null=False)

    roll_group_labels_unique = Unique([consultation, kind, office, subdistrict])
    roll_group_not_empty = Check('"titles" > 0 AND "area_centi" > 0')


class ConsultationRollEntry(Table):
    """One title certificate (权证) on a consultation's roll, copied from the register and frozen."""

    id = Serial(primary_key=True)
    consultation = ForeignKey(references=Consultation, null=False, index=True, on_delete=OnDelete.restrict)
    household = ForeignKey(references=Household, null=False, index=True, on_delete=OnDelete.restrict)
    certificate_no = Varchar(length=80, null=False)
    holder_names = Varchar(length=255, default="")
    area = Numeric(digits=AREA, null=False)
    # The same area in hundredths of a m²: SQL sums it exactly on every engine (SQLite keeps NUMERIC
    # as floating point).
    area_centi = Integer(null=False)
    owner_key = Varchar(length=128, null=False, index=True)  # a person's titles, found together
    kind = Varchar(length=20, null=False)
    office = Varchar(length=80, default="")
    subdistrict = Varchar(length=80, default="")
    building = Varchar(length=80, default="")
    stairwell = Varchar(length=20, default="")
    code_hash = Varchar(length=64, null=True, default=None, unique=True)  # sha256 of the voting code
    roll_group = ForeignKey(
        references=ConsultationRollGroup, null=True, default=None, index=True, on_delete=OnDelete.restrict
    )
    # The owner holds other titles on this roll (or this is one of several unsold developer parts): the
    # headcount needs this title's choices person by person, not only summed.
    shared_head = Boolean(default=False)

    consultation_roll_entry_title_unique = Unique([consultation, household])
    roll_area_positive = Check('"area_centi" > 0')
    roll_kind_known = Check(one_of("kind", HouseholdKind))


class BallotSheet(Table):
    """A title's choices on every item as handed in: the history of ballots (表决票).

    A web ballot is counted at once; a paper one waits for a second staff member's identical entry.
    A later sheet of the same title while open supersedes the earlier one, unless ballots are locked.
    """

    id = Serial(primary_key=True)
    consultation = ForeignKey(references=Consultation, null=False, index=True, on_delete=OnDelete.restrict)
    roll_entry = ForeignKey(references=ConsultationRollEntry, null=False, index=True, on_delete=OnDelete.restrict)
    channel = Varchar(length=20, null=False)
    choices = Text(null=False)  # JSON {item_id: choice}
    second_choices = Text(null=True, default=None)  # the confirming staff member's entry
    invalid_reason = Text(default="")  # 废票原因
    proxy_name = Varchar(length=120, default="")  # 委托代理人
    proxy_reference = Varchar(length=120, default="")  # 授权委托书编号
    status = Varchar(length=20, null=False)
    receipt_no = Varchar(length=40, null=False, unique=True)
    entered_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.restrict)
    confirmed_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.restrict)
    created_at = Timestamptz(default=TimestamptzNow())
    counted_at = Timestamptz(null=True, default=None)

    sheet_channel_known = Check(one_of("channel", Channel))
    sheet_status_known = Check(one_of("status", SheetStatus))
    proxy_has_reference = Check("\"proxy_name\" = '' OR \"proxy_reference\" <> ''")
    second_person_confirms = Check('"confirmed_by" IS NULL OR "entered_by" IS NULL OR "confirmed_by" <> "entered_by"')


class CountedBallot(Table):
    """The one counted choice per title per item: the database refuses a second."""

    id = Serial(primary_key=True)
    consultation = ForeignKey(references=Consultation, null=False, on_delete=OnDelete.restrict)
    roll_entry = ForeignKey(references=ConsultationRollEntry, null=False, index=True, on_delete=OnDelete.restrict)
    item = ForeignKey(references=ConsultationItem, null=False, index=True, on_delete=OnDelete.restrict)
    choice = Varchar(length=10, null=False)
    sheet = ForeignKey(references=BallotSheet, null=False, on_delete=OnDelete.restrict)

    counted_ballot_one_per_title_item = Unique([consultation, roll_entry, item])
    counted_choice_known = Check(one_of("choice", Choice))


class TallyCell(Table):
    """Counted ballots summed per item, roll group and choice, kept in step by every counting write.

    A derived figure, maintained in the same transaction as `CountedBallot` and rebuildable from it
    (`tally.rebuild`); the tests check both ways agree.
    """

    id = Serial(primary_key=True)
    consultation = ForeignKey(references=Consultation, null=False, on_delete=OnDelete.restrict)
    item = ForeignKey(references=ConsultationItem, null=False, on_delete=OnDelete.restrict)
    roll_group = ForeignKey(references=ConsultationRollGroup, null=False, on_delete=OnDelete.restrict)
    choice = Varchar(length=10, null=False)
    titles = Integer(null=False)
    area_centi = BigInt(null=False)

    tally_cell_unique = Unique([consultation, item, roll_group, choice])
    tally_cell_choice_known = Check(one_of("choice", Choice))
    # No CHECK (titles >= 0): both engines check an upsert's proposed row before resolving the conflict,
    # so a signed delta could not be applied in one sorted statement (which keeps writers deadlock-free).
    # Deciding compares the cells with `counted_ballot` instead (`tally.cells_drift`).


class PersonCell(Table):
    """Owners of several titles (shared heads) summed per item and layout group at each level.

    `depth` is how many of the layout's labels name the group (0 = the whole roll); the labels
    beyond it are empty. Kept in step with `CountedBallot` like `TallyCell`; see `tally.py`.
    """

    id = Serial(primary_key=True)
    consultation = ForeignKey(references=Consultation, null=False, on_delete=OnDelete.restrict)
    item = ForeignKey(references=ConsultationItem, null=False, on_delete=OnDelete.restrict)
    depth = Integer(null=False)
    kind = Varchar(length=20, default="")
    office = Varchar(length=80, default="")
    subdistrict = Varchar(length=80, default="")
    heads = Integer(null=False)
    titles = Integer(null=False)
    counted = Integer(null=False)
    agree = Integer(null=False)
    participating_heads = Integer(null=False)
    agree_heads = Integer(null=False)

    person_cell_unique = Unique([consultation, item, depth, kind, office, subdistrict])
    person_cell_depth_known = Check('"depth" BETWEEN 0 AND 3')


class ConsultationSnapshot(Table):
    """The tally as it stood on a day while open (每日进度)."""

    id = Serial(primary_key=True)
    consultation = ForeignKey(references=Consultation, null=False, index=True, on_delete=OnDelete.restrict)
    taken_on = Date(null=False)
    taken_at = Timestamptz(default=TimestamptzNow())
    tally = Text(null=False)  # JSON: per item totals

    consultation_snapshot_day_unique = Unique([consultation, taken_on])


class ConsultationDecision(Table):
    """The recorded decision on one item, with the rule's reasons and the counts behind them."""

    id = Serial(primary_key=True)
    consultation = ForeignKey(references=Consultation, null=False, index=True, on_delete=OnDelete.restrict)
    item = ForeignKey(references=ConsultationItem, null=False, on_delete=OnDelete.restrict)
    passed = Boolean(null=False)
    rule_key = Varchar(length=40, null=False)
    reasons = Text(null=False)  # JSON
    counts = Text(null=False)  # JSON
    non_voters_agree = Boolean(default=False)
    decided_at = Timestamptz(default=TimestamptzNow())

    consultation_decision_item_unique = Unique([consultation, item])


class SigningProgress(Table):
    """Signing round: one title's agreement (签约), house sealed (封房) and moving out (搬迁)."""

    id = Serial(primary_key=True)
    consultation = ForeignKey(references=Consultation, null=False, index=True, on_delete=OnDelete.restrict)
    roll_entry = ForeignKey(references=ConsultationRollEntry, null=False, on_delete=OnDelete.restrict)
    signed_on = Date(null=True, default=None)
    sealed_on = Date(null=True, default=None)
    moved_on = Date(null=True, default=None)

    signing_progress_entry_unique = Unique([roll_entry])
    sealed_after_signing = Check('"sealed_on" IS NULL OR "signed_on" IS NOT NULL')
    moved_after_signing = Check('"moved_on" IS NULL OR "signed_on" IS NOT NULL')


class Lottery(Table):
    """A published order lottery (抽取顺序号): the order is recomputable from the seed alone."""

    id = Serial(primary_key=True)
    consultation = ForeignKey(references=Consultation, null=False, index=True, on_delete=OnDelete.restrict)
    purpose = Varchar(length=40, null=False)  # signing / unit_selection
    seed = Varchar(length=200, null=False)
    drawn_at = Timestamptz(default=TimestamptzNow())
    result = Text(null=False)  # JSON list of certificate numbers in order
    result_hash = Varchar(length=64, null=False)

    lottery_purpose_unique = Unique([consultation, purpose])
