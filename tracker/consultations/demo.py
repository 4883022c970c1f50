"""Demo consultations (called once from tracker/demo.py load_demo, inside its transaction):

- on the retrofit estate, 1号楼's retrofit menu (改造菜单) OPEN for a week, with web ballots cast by voting
  code and paper sheets entered and confirmed by a second person day by day, a daily snapshot each day (the
  progress chart), one paper sheet still waiting for its second person, and the demo resident's own title
  left for them to vote;
- 2号楼's menu DECIDED a month ago (some items passed, one failed) and its second round, a draft re-asking
  the failed item;
- on the expropriation parcel, the SIGNING round (二轮征询 / 签约) open with two weeks of signatures, seals
  and move-outs, so the signing board (亮晒比学) is filled.

Everything goes through the services with the clock set to the day each step happened, so the audit
log, the receipts, the tallies and the snapshots are the real ones."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from fractions import Fraction

from tracker import clock
from tracker.accounts.actor import Actor
from tracker.consultations import services
from tracker.consultations.counting import Choice
from tracker.consultations.kinds import ConsultationKind, ItemClass, Scope, Visibility
from tracker.consultations.schemas import ConsultationIn, ItemIn, PaperBallotIn, SigningIn
from tracker.consultations.tables import ConsultationRollEntry
from tracker.register.tables import Building

MENU = (  # (class, description, estimated cost, resident share) — 元
    (ItemClass.safety, "屋面防水翻修及檐口加固", "1860000.00", "0.00"),
    (ItemClass.basic, "外立面整治及雨污分流改造", "2450000.00", "0.00"),
    (ItemClass.improvement, "楼道照明及信报箱更新", "320000.00", "200.00"),
    (ItemClass.upgrade, "加装电梯（每单元一部）", "2400000.00", "38000.00"),
)
# How likely each item is agreed to, by owners who vote: the lift splits the building.
AGREE = (0.95, 0.9, 0.8, 0.55)
WEB, PAPER = "web", "paper"


def _at(day: dt.date, hour: int) -> dt.datetime:
    return clock.from_local(dt.datetime.combine(day, dt.time(hour)))


def _choices(rng: random.Random, item_ids: list[int], agree: tuple[float, ...]) -> dict[int, Choice]:
    picked = {}
    for item_id, p in zip(item_ids, agree, strict=True):
        roll = rng.random()
        picked[item_id] = Choice.AGREE if roll < p else Choice.OPPOSE if roll < p + (1 - p) * 0.7 else Choice.ABSTAIN
    return picked


def _menu(title: str, building_id: int, opens_at: dt.datetime, closes_at: dt.datetime) -> ConsultationIn:
    return ConsultationIn(
        title=title, kind=ConsultationKind.retrofit_menu, rule_key="art278_major", opens_at=opens_at,
        closes_at=closes_at, scope=Scope.building, building_id=building_id, visibility=Visibility.live,
        items=[ItemIn(description=d, item_class=c, estimated_cost=Decimal(cost), resident_share=Decimal(share))
               for c, d, cost, share in MENU])


async def _vote_days(rng: random.Random, consultation_id: int, days: list[dt.date], share: float,
                     agree: tuple[float, ...], staff: Actor, second: Actor, keep: set[str] = frozenset()
                     ) -> tuple[dict[str, int], set[str]]:
    """About `share` of the titles vote over `days` (web mostly, paper for a third), a snapshot each evening.
    Titles in `keep` do not vote (the demo resident votes themselves)."""
    c = await services.get_consultation(consultation_id)
    item_ids = [i.id for i in c.items]
    letters = [letter for letter in await services.voting_letters(consultation_id) if letter["certificate_no"] not in keep]
    voters = rng.sample(letters, round(len(letters) * share))
    counted = {WEB: 0, PAPER: 0}
    per_day = -(-len(voters) // len(days))
    for n, day in enumerate(days):
        for k, letter in enumerate(voters[n * per_day:(n + 1) * per_day]):
            choices = _choices(rng, item_ids, agree)
            with clock.frozen(_at(day, 9 + k % 10)):
                if rng.random() < 0.65:
                    await services.cast_web_ballot(letter["code"], choices, "demo")
                    counted[WEB] += 1
                else:
                    sheet = await services.enter_paper_ballot(staff, consultation_id, PaperBallotIn(
                        choices=choices, certificate_no=letter["certificate_no"]))
                    await services.confirm_paper_ballot(second, sheet.id, choices)
                    counted[PAPER] += 1
        with clock.frozen(_at(day, 22)):
            await services.take_snapshot(second, consultation_id, day)
    return counted, {letter["certificate_no"] for letter in voters}


async def load(rng: random.Random, retrofit_id: int, parcel_id: int, resident_certificate: str, staff: Actor,
               manager: Actor) -> dict[str, object]:
    """The demo's consultations; answers their ids and the demo resident's voting code."""
    buildings = {r["name"]: r["id"] for r in
                 await Building.select(Building.id, Building.name).where(Building.project == retrofit_id)}
    today = clock.today()

    # 2号楼: decided a month ago; the lift failed and is asked again in a second round (a draft).
    start = today - dt.timedelta(days=34)
    with clock.frozen(_at(start, 8)):
        decided = await services.create_consultation(manager, retrofit_id, _menu(
            "2号楼综合改造菜单征询", buildings["2号楼"], _at(start, 9), _at(start + dt.timedelta(days=10), 17)))
        await services.open_consultation(manager, decided.id)
    await _vote_days(rng, decided.id, [start + dt.timedelta(days=d) for d in range(0, 10, 2)], 0.9,
                     (0.95, 0.9, 0.85, 0.4), staff, manager)
    with clock.frozen(_at(start + dt.timedelta(days=10), 18)):
        await services.close_consultation(manager, decided.id)
    with clock.frozen(_at(start + dt.timedelta(days=12), 10)):
        await services.decide_consultation(manager, decided.id)
        again = await services.start_next_round(manager, decided.id, _at(today + dt.timedelta(days=3), 9),
                                                _at(today + dt.timedelta(days=17), 17))

    # 1号楼 (the demo resident's building): open for a week, two weeks to go.
    start = today - dt.timedelta(days=6)
    with clock.frozen(_at(start, 8)):
        menu = await services.create_consultation(manager, retrofit_id, _menu(
            "1号楼综合改造菜单征询", buildings["1号楼"], _at(start, 9), _at(today + dt.timedelta(days=14), 17)))
        await services.open_consultation(manager, menu.id)
    channels, voted = await _vote_days(rng, menu.id, [start + dt.timedelta(days=d) for d in range(7)], 0.6, AGREE,
                                staff, manager, keep={resident_certificate})
    letters = {letter["certificate_no"]: letter["code"] for letter in await services.voting_letters(menu.id)}
    # One paper sheet entered today waits for a second person (it shows in their to-do).
    waiting = next(cert for cert in sorted(letters) if cert not in voted and cert != resident_certificate)
    item_ids = [i.id for i in menu.items]
    await services.enter_paper_ballot(staff, menu.id, PaperBallotIn(
        choices=_choices(rng, item_ids, AGREE), certificate_no=waiting))

    # The parcel's signing round: 17/20 of all titles must sign by the deadline; two weeks in.
    start = today - dt.timedelta(days=13)
    with clock.frozen(_at(start, 8)):
        signing = await services.create_consultation(manager, parcel_id, ConsultationIn(
            title="静安区57街坊旧改征收二轮征询（签约）", kind=ConsultationKind.signing, rule_key="roll_share",
            rule_params={"p": str(Fraction(17, 20))}, opens_at=_at(start, 9),
            closes_at=_at(start + dt.timedelta(days=30), 17), visibility=Visibility.live,
            items=[ItemIn(description="同意按征收补偿方案签订房屋征收补偿协议", item_class=ItemClass.question)]))
        await services.open_consultation(manager, signing.id)
    entries = [r["id"] for r in await ConsultationRollEntry.select(ConsultationRollEntry.id)
               .where(ConsultationRollEntry.consultation == signing.id).order_by(ConsultationRollEntry.id)]
    signers = rng.sample(entries, round(len(entries) * SIGNED_SHARE))
    # Signing is front-loaded (most sign in the first days); a house is sealed (封房) some days after its
    # signature and vacated (搬迁) after that. Each day's records, then the evening's snapshot.
    signed_on = {entry: start + dt.timedelta(days=min(13, int(14 * (n / len(signers)) ** 2)))
                 for n, entry in enumerate(signers)}
    for back in range(13, -1, -1):
        day = today - dt.timedelta(days=back)
        for n, entry in enumerate(signers):
            signed = signed_on[entry]
            dates = {}
            if signed == day:
                dates["signed_on"] = day
            if n % 4 == 0 and signed + dt.timedelta(days=3) == day:
                dates["sealed_on"] = day
            if n % 8 == 0 and signed + dt.timedelta(days=7) == day:
                dates["moved_on"] = day
            if dates:
                with clock.frozen(_at(day, 10 + n % 8)):
                    await services.record_signing(staff, signing.id, entry, SigningIn(**dates))
        with clock.frozen(_at(day, 22)):
            await services.take_snapshot(manager, signing.id, day)
    return {"open": menu.id, "decided": decided.id, "second_round": again.id, "signing": signing.id,
            "resident_code": letters[resident_certificate], "web": channels[WEB], "paper": channels[PAPER],
            "signed": len(signers)}


# A quarter of the parcel's titles signed in the round's first two weeks: enough to fill the board, few enough
# that `make run` starts quickly (each signature is a service call with its audit record; bench/demo_load.py).
SIGNED_SHARE = 0.25
