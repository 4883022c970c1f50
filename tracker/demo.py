"""Deterministic demo data: a retrofit estate, an expropriation parcel and resettlement housing, with a user per role."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterator
from decimal import Decimal

import msgspec

from funding import demo as funding_demo
from inspections import demo as inspections_demo
from tracker import clock
from tracker.accounts.actor import SYSTEM
from tracker.accounts.passwords import hash_password
from tracker.accounts.roles import OrganisationKind, Role
from tracker.accounts.services import create_organisation, create_user, load_actor
from tracker.consultations import demo as consultations_demo
from tracker.db import transaction
from tracker.errors import Conflict
from tracker.handover import demo as handover_demo
from tracker.register import rollfile
from tracker.register import services as register
from tracker.register.kinds import ContactStatus, FileEntryKind, HouseholdKind, ProjectKind, ProjectStatus
from tracker.register.schemas import BuildingIn, FileEntryIn, ProjectIn
from tracker.register.tables import Household, Project

SEED = 1998
# Seconds each part of the last load took (bench/demo_load.py prints them).
TIMINGS: dict[str, float] = {}
DEMO_PASSWORD = "tracker-demo"  # nosec B105  # the published demo login, printed by `make run`

# (username, password, role, description) — printed by the command line after loading.
DEMO_USERS: list[tuple[str, str, Role, str]] = [
    ("admin", DEMO_PASSWORD, Role.admin, "administrator: users, organisations, every project"),
    (
        "manager",
        DEMO_PASSWORD,
        Role.project_manager,
        "project manager of the renewal HQ (建设单位/指挥部), all projects",
    ),
    (
        "inspector",
        DEMO_PASSWORD,
        Role.inspector,
        "supervising engineer (监理工程师), retrofit and resettlement housing",
    ),
    ("chief", DEMO_PASSWORD, Role.chief_inspector, "chief inspector (总监理工程师), signs stop-work orders"),
    ("contractor", DEMO_PASSWORD, Role.contractor, "contractor's project department (施工单位), retrofit and housing"),
    ("staff", DEMO_PASSWORD, Role.community_staff, "expropriation office staff (征收事务所): rolls, files, strategies"),
    ("finance", DEMO_PASSWORD, Role.finance, "finance (财务), all projects"),
    ("resident", DEMO_PASSWORD, Role.resident, "resident of 梅园新村 1号楼 1-101, sees only that household"),
]

# A reserved-looking domain: with SMTP_URL set, demo digests go to a mail catcher, never to a real person.
DEMO_MAIL_DOMAIN = "demo.tracker.local"

DISPLAY_NAMES = {
    "admin": "系统管理员",
    "manager": "周建华（指挥部）",
    "inspector": "陈立新（监理）",
    "chief": "王志强（总监）",
    "contractor": "刘德福（项目经理部）",
    "staff": "沈秀英（征收事务所）",
    "finance": "顾敏（财务）",
    "resident": "1号楼 1-101 居民",
}
ORGANISATIONS = {
    OrganisationKind.owner: "静安区旧区改造指挥部",
    OrganisationKind.supervision: "申诚建设监理有限公司",
    OrganisationKind.contractor: "沪安建筑工程有限公司",
    OrganisationKind.designer: "城建规划设计研究院",
    OrganisationKind.quality_station: "静安区建设工程质量监督站",
    OrganisationKind.subdistrict: "曹家渡街道办事处",
    OrganisationKind.community: "梅园新村居民委员会",
    OrganisationKind.expropriation_office: "静安区第一房屋征收事务所",
    OrganisationKind.property_manager: "梅园物业管理有限公司",
    OrganisationKind.finance_bureau: "静安区财政局",
}
USER_ORGANISATION = {
    Role.project_manager: OrganisationKind.owner,
    Role.inspector: OrganisationKind.supervision,
    Role.chief_inspector: OrganisationKind.supervision,
    Role.contractor: OrganisationKind.contractor,
    Role.community_staff: OrganisationKind.expropriation_office,
    Role.finance: OrganisationKind.finance_bureau,
}
RETROFIT, PARCEL, HOUSING = "MEIYUAN-1998", "JA-57-PARCEL", "GUCUN-RH"
# Who works on which project: contractors build, so they are not on the expropriation parcel.
MEMBERS = {
    Role.project_manager: (RETROFIT, PARCEL, HOUSING),
    Role.inspector: (RETROFIT, HOUSING),
    Role.chief_inspector: (RETROFIT, HOUSING),
    Role.contractor: (RETROFIT, HOUSING),
    Role.community_staff: (RETROFIT, PARCEL, HOUSING),
    Role.finance: (RETROFIT, PARCEL, HOUSING),
    Role.resident: (RETROFIT,),
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢姜崔钟谭陆汪范金石廖贾夏方顾钱严戴孔汤毛邵"
GIVEN = "建国华明秀英伟芳敏静丽强磊军洋勇艳杰娟涛霞平刚桂玉兰志红文斌云海燕德福永祥凤珍荣宝根妹林忠庆惠"
MOBILE_PREFIXES = ("133", "135", "136", "137", "138", "139", "150", "151", "158", "159", "177", "186", "187", "189")
ID_REGIONS = ("310101", "310104", "310106", "310108")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

# Retrofit: 20 six-storey blocks of 1998 with 4–6 stairwells and two flats per stairwell and floor.
RETROFIT_STAIRWELLS = (4,) * 5 + (5,) * 10 + (6,) * 5  # 100 stairwells, 1,200 flats
RETROFIT_FLOORS = 6
DEVELOPER = "梅园房地产开发有限公司"

# Parcel: lane houses (里弄) where each room is its own title; street-front units held by work units.
PARCEL_RESIDENT_TITLES = 2000
PARCEL_WORK_UNITS = 36
PARCEL_AREAS = (  # (subdistrict, office, lanes)
    ("江宁路街道", "静安区第一房屋征收事务所", ("慈惠里", "德庆里", "福康里", "同孚里")),
    ("石门二路街道", "静安区第二房屋征收事务所", ("宝安坊", "康乐里", "兴业坊", "安乐邨")),
)
ROOMS = ("底层客堂", "底层后客堂", "灶披间", "亭子间", "二层前楼", "二层后楼", "前厢房", "后厢房", "三层阁楼")
UNIT_WORDS = (("静安", "申江", "华联", "永新", "宏达", "利民"), ("五金", "服装", "印刷", "食品", "电器", "纸品"))
UNIT_SUFFIXES = ("厂", "商店", "有限公司", "经营部")

# Resettlement housing: three delivery batches, as building phases until handover records units.
HOUSING_PHASES = (("一期", 4, 18, 440), ("二期", 10, 21, 1260), ("三期", 17, 26, 2658))

FILE_NOTES = {
    FileEntryKind.visit: "上门走访，{holder}在家，家庭人口{people}人，对评估面积有疑问，已解释计算口径。",
    FileEntryKind.call: "电话联系{holder}，约定下周到基地谈话，了解安置房源。",
    FileEntryKind.hearing: "约谈{holder}及其子女，就产权调换与货币补偿的选择听取意见。",
    FileEntryKind.note: "户籍人口{people}人与实际居住人口不一致，需请居委会协助核实。",
}
LOST_NOTE = "登记电话无人接听，多次上门未遇；邻居称已随子女移居外地，已请居委会协助查找。"
STRATEGIES = (
    "家庭{people}口人居住{area}平方米，住房困难，建议产权调换（顾村安置房）并申请困难补助；{office}专人跟进。",
    "老人独居，子女在外地；建议货币补偿，由子女代为签约，需办理委托公证。",
    "家庭内部对补偿分配有分歧，先组织家庭协商，必要时请人民调解委员会介入。",
    "对评估结果有异议，安排复核评估，复核后再约谈。",
)


class DemoProject(msgspec.Struct):
    id: int
    code: str
    name: str
    kind: ProjectKind
    buildings: int
    dwellings: int
    households: int


class DemoSummary(msgspec.Struct):
    projects: list[DemoProject]
    organisations: int
    file_entries: int
    users: list[str]
    password: str
    notes: list[str]


class _People:
    """Names, phone numbers and identity numbers from one seeded generator, never repeating an identity."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=self.rng.choice((1, 2, 2))))

    def holders(self) -> str:
        return "、".join(self.name() for _ in range(self.rng.choice((1, 1, 1, 2))))

    def phone(self) -> str:
        if self.rng.random() < 0.15:
            return f"021-{self.rng.choice('56')}{self.rng.randrange(10**7):07d}"
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def _fresh(self, make) -> str:
        while (value := make()) in self.used:
            pass
        self.used.add(value)
        return value

    def id_number(self) -> str:
        """A well-formed 18-character resident identity number (GB 11643 check character)."""

        def make() -> str:
            born = dt.date(1935, 1, 1) + dt.timedelta(days=self.rng.randrange(60 * 365))
            body = f"{self.rng.choice(ID_REGIONS)}{born:%Y%m%d}{self.rng.randrange(1000):03d}"
            return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, ID_WEIGHTS)) % 11]

        return self._fresh(make)

    def credit_code(self) -> str:
        """A unified social credit code (统一社会信用代码) of a Shanghai enterprise."""
        return self._fresh(
            lambda: f"913101{self.rng.randrange(10**11):011d}{self.rng.choice('0123456789ABCDEHJKLMNPQRTUXY')}"
        )


def _area(rng: random.Random, low: int, high: int) -> Decimal:
    """An area in m² with two decimals, between low and high."""
    return Decimal(rng.randrange(low * 100, high * 100)) / 100


def _retrofit_rows(rng: random.Random, people: _People) -> Iterator[dict]:
    stairwells = list(RETROFIT_STAIRWELLS)
    rng.shuffle(stairwells)
    flats = []
    for building, count in enumerate(stairwells, start=1):
        # Two flat plans per block, as in most 1998 slab blocks: a smaller and a larger one.
        plans = (_area(rng, 45, 70), _area(rng, 65, 110))
        for stairwell in range(1, count + 1):
            for floor in range(1, RETROFIT_FLOORS + 1):
                for flat in (1, 2):
                    flats.append(
                        (f"{building}号楼", f"{stairwell}-{floor}0{flat}", str(stairwell), floor, plans[flat - 1])
                    )
    # The first flat stays an ordinary household: the demo resident lives there.
    unsold = set(rng.sample(range(1, len(flats)), 8))
    paired = sorted(rng.sample([i for i in range(1, len(flats)) if i not in unsold], 24))
    owner_of_second = {paired[k + 1]: paired[k] for k in range(0, len(paired), 2)}  # 12 owners, two flats each
    developer_code = people.credit_code()
    owners: dict[int, tuple[str, str]] = {}
    for i, (building, number, stairwell, floor, area) in enumerate(flats):
        row = {
            "certificate_no": f"沪房地静字({rng.randrange(1999, 2016)})第{100001 + i:06d}号",
            "office": "梅园新村居委会",
            "subdistrict": "曹家渡街道",
            "building": building,
            "dwelling": number,
            "stairwell": stairwell,
            "floor": floor,
        }
        if i in unsold:
            # Never sold, so never registered: only the surveyed area exists.
            row.update(
                holder_names=DEVELOPER,
                owner_id=developer_code,
                kind=HouseholdKind.developer_unsold,
                surveyed_area=area,
                phone="021-62110000",
            )
        else:
            holder, owner_id = (
                owners[owner_of_second[i]] if i in owner_of_second else (people.holders(), people.id_number())
            )
            owners[i] = (holder, owner_id)
            row.update(
                holder_names=holder,
                owner_id=owner_id,
                kind=HouseholdKind.resident,
                phone=people.phone(),
                registered_area=area,
                surveyed_area=area,
                contact_status=ContactStatus.lost if rng.random() < 0.01 else ContactStatus.reachable,
            )
        yield row


def _parcel_rows(rng: random.Random, people: _People) -> Iterator[dict]:
    lanes = [(s, o, lane) for s, o, names in PARCEL_AREAS for lane in names]
    titles = 0
    house = 0
    while titles < PARCEL_RESIDENT_TITLES:
        subdistrict, office, lane = lanes[house % len(lanes)]
        number = house // len(lanes) + 1
        house += 1
        rooms = rng.sample(ROOMS, min(rng.randrange(3, 7), PARCEL_RESIDENT_TITLES - titles))
        for room in rooms:
            titles += 1
            lost = rng.random() < 0.04
            public = rng.random() < 0.7  # most lane rooms are rented public housing (租用公房)
            yield {
                "certificate_no": f"静公租字第{titles:06d}号" if public else f"沪房地静字(1996)第{titles:06d}号",
                "holder_names": people.holders(),
                "owner_id": people.id_number(),
                "kind": HouseholdKind.resident,
                "office": office,
                "subdistrict": subdistrict,
                "phone": "" if lost and rng.random() < 0.5 else people.phone(),
                "contact_status": ContactStatus.lost if lost else ContactStatus.reachable,
                "building": f"{lane} {number}号",
                "dwelling": room,
                "floor": 3 if room.startswith("三层") else 2 if room.startswith(("二层", "亭子")) else 1,
                "registered_area": _area(rng, 8, 36),
            }
    names = [f"上海{a}{b}{c}" for a in UNIT_WORDS[0] for b in UNIT_WORDS[1] for c in UNIT_SUFFIXES]
    for n, name in enumerate(rng.sample(names, PARCEL_WORK_UNITS), start=1):
        subdistrict, office, _ = PARCEL_AREAS[n % 2]
        street = "江宁路" if n % 2 == 0 else "石门二路"
        area = _area(rng, 30, 260)
        yield {
            "certificate_no": f"沪房地静字(2001)第{900000 + n:06d}号",
            "holder_names": name,
            "owner_id": people.credit_code(),
            "kind": HouseholdKind.work_unit,
            "office": office,
            "subdistrict": subdistrict,
            "phone": f"021-{rng.choice('56')}{rng.randrange(10**7):07d}",
            "building": f"{street} {100 + 2 * n}号",
            "dwelling": "沿街门面",
            "floor": 1,
            "registered_area": area,
            "contract_area": area,
        }


async def _file_and_strategies(rng: random.Random, staff_id: int, project_id: int) -> int:
    """A per-household file (一户一档) and strategy (一户一策) for a few parcel households, some lost."""
    staff = await load_actor(staff_id)
    assert staff is not None
    households = (
        await Household.select(Household.id, Household.holder_names, Household.office, Household.contact_status)
        .where(Household.project == project_id, Household.kind == HouseholdKind.resident.value)
        .order_by(Household.id)
    )
    lost = [h for h in households if h["contact_status"] == ContactStatus.lost.value]
    chosen = rng.sample([h for h in households if h not in lost], 12) + lost[:4]
    # Dated back from today, so the files look recent whenever the demo is loaded.
    today = clock.today()
    entries = 0
    for h in chosen:
        details = await register.get_household(h["id"])
        words = {
            "holder": h["holder_names"].split("、")[0],
            "people": rng.randrange(1, 7),
            "area": details.area,
            "office": h["office"],
        }
        days = sorted(rng.sample(range(3, 90), rng.randrange(1, 4)), reverse=True)
        for back in days:
            if h["contact_status"] == ContactStatus.lost.value:
                kind, summary = FileEntryKind.visit, LOST_NOTE
            else:
                kind = rng.choice(list(FileEntryKind))
                summary = FILE_NOTES[kind].format(**words)
            await register.add_file_entry(
                staff, h["id"], FileEntryIn(kind=kind, occurred_on=today - dt.timedelta(days=back), summary=summary)
            )
            entries += 1
        await register.set_strategy(staff, h["id"], rng.choice(STRATEGIES).format(**words))
    return entries


async def load_demo() -> DemoSummary:
    """Load the demo into an empty database, all in one transaction; refuse if any project exists."""
    rng = random.Random(SEED)  # nosec B311  # reproducible demo data, not a secret
    TIMINGS.clear()
    started = time.perf_counter()
    people = _People(rng)
    async with transaction():
        if await Project.count():
            raise Conflict("The demo loads only into a database without projects.", rule="demo_needs_empty_database")
        organisations = {
            kind: await create_organisation(SYSTEM, name=name, kind=kind) for kind, name in ORGANISATIONS.items()
        }

        retrofit = await register.create_project(
            SYSTEM,
            ProjectIn(
                code=RETROFIT,
                name="梅园新村综合改造",
                kind=ProjectKind.retrofit,
                district="静安区",
                subdistrict="曹家渡街道",
                address="梅园路 1–20 号",
                status=ProjectStatus.active,
                planned_start=dt.date(2026, 3, 1),
                planned_end=dt.date(2027, 6, 30),
            ),
        )
        for building in range(1, len(RETROFIT_STAIRWELLS) + 1):
            await register.add_building(
                SYSTEM,
                retrofit.id,
                BuildingIn(
                    name=f"{building}号楼",
                    floors=RETROFIT_FLOORS,
                    built_year=1998,
                    address=f"梅园路 {building} 号",
                ),
            )
        retrofit_rows = list(_retrofit_rows(rng, people))
        await register.import_roll(SYSTEM, retrofit.id, rollfile.roll_csv(retrofit_rows), "梅园新村权证清单.csv")

        parcel = await register.create_project(
            SYSTEM,
            ProjectIn(
                code=PARCEL,
                name="静安区57街坊旧改征收地块",
                kind=ProjectKind.expropriation_parcel,
                district="静安区",
                subdistrict="江宁路街道",
                address="江宁路、石门二路以西",
                status=ProjectStatus.active,
                planned_start=dt.date(2026, 5, 1),
            ),
        )
        await register.import_roll(SYSTEM, parcel.id, rollfile.roll_csv(_parcel_rows(rng, people)), "57街坊权证清单.csv")

        housing = await register.create_project(
            SYSTEM,
            ProjectIn(
                code=HOUSING,
                name="宝山区顾村安置房基地",
                kind=ProjectKind.resettlement_housing,
                district="宝山区",
                subdistrict="顾村镇",
                address="顾村镇沪太路以东",
                status=ProjectStatus.active,
                planned_start=dt.date(2024, 9, 1),
                planned_end=dt.date(2028, 12, 31),
            ),
        )
        number = 0
        for phase, buildings, floors, _units in HOUSING_PHASES:
            for _ in range(buildings):
                number += 1
                await register.add_building(
                    SYSTEM,
                    housing.id,
                    BuildingIn(
                        name=f"{phase} {number}号楼",
                        floors=floors,
                        built_year=2025 if phase == "一期" else None,
                        address=f"沪太路 {2000 + number} 弄",
                    ),
                )

        projects = {RETROFIT: retrofit.id, PARCEL: parcel.id, HOUSING: housing.id}
        resident_home = (
            await Household.select(Household.id).where(
                Household.project == retrofit.id, Household.certificate_no == retrofit_rows[0]["certificate_no"]
            )
        )[0]["id"]
        password_hash = await hash_password(DEMO_PASSWORD)
        users = {}
        for username, _password, role, description in DEMO_USERS:
            users[role] = await create_user(
                SYSTEM,
                username=username,
                display_name=DISPLAY_NAMES[username],
                password=DEMO_PASSWORD,
                password_hash=password_hash,
                role=role,
                organisation_id=organisations[USER_ORGANISATION[role]] if role in USER_ORGANISATION else None,
                household_id=resident_home if role is Role.resident else None,
                project_ids=[projects[code] for code in MEMBERS.get(role, ())],
                email=f"{username}@{DEMO_MAIL_DOMAIN}",
            )
        file_entries = await _file_and_strategies(rng, users[Role.community_staff], parcel.id)
        TIMINGS["register"] = time.perf_counter() - started
        actors = {role: await load_actor(user_id) for role, user_id in users.items()}
        await handover_demo.load(rng, housing.id, parcel.id, organisations[OrganisationKind.contractor], HOUSING_PHASES,
                                actors[Role.community_staff])
        TIMINGS["handover"] = time.perf_counter() - started - sum(TIMINGS.values())
        await funding_demo.load(retrofit.id, parcel.id)
        TIMINGS["funding"] = time.perf_counter() - started - sum(TIMINGS.values())
        supervision = await inspections_demo.load(
            retrofit.id, organisations[OrganisationKind.contractor], actors[Role.inspector],
            actors[Role.chief_inspector], actors[Role.contractor], actors[Role.project_manager])
        TIMINGS["inspections"] = time.perf_counter() - started - sum(TIMINGS.values())
        votes = await consultations_demo.load(
            rng, retrofit.id, parcel.id, retrofit_rows[0]["certificate_no"], actors[Role.community_staff],
            actors[Role.project_manager])
        TIMINGS["consultations"] = time.perf_counter() - started - sum(TIMINGS.values())

    batches = ", ".join(f"{phase} {units:,}" for phase, _b, _f, units in HOUSING_PHASES)
    return DemoSummary(
        projects=[
            msgspec.convert(await register.get_project(pid), DemoProject, from_attributes=True)
            for pid in projects.values()
        ],
        organisations=len(organisations),
        file_entries=file_entries,
        users=[u[0] for u in DEMO_USERS],
        password=DEMO_PASSWORD,
        notes=[
            f"{housing.name}: delivery batches by building phases ({batches} units): one delivered (an idle building), "
            "one in acceptance, one under construction and slipping; the parcel's households drew lots.",
            f"{retrofit.name}: 12 owners hold two flats each and 8 flats are the developer's unsold parts.",
            f"{retrofit.name}: {supervision['issues']} issues in every state, {supervision['notices']} notices (one "
            f"closed) and {supervision['stop_work_orders']} stop-work orders (one resumed, one in force).",
            f"Consultations: 1号楼's menu is open ({votes['web']} web and {votes['paper']} paper ballots over a week); "
            f"the resident's voting code is {votes['resident_code']} (/vote). 2号楼's menu is decided, its failed "
            f"item asked again in a draft second round; the parcel's signing round has {votes['signed']:,} signatures.",
        ],
    )
