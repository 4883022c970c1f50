"""Enumerations and the status transition table of consultations, declared once."""

from __future__ import annotations

from enum import StrEnum


class ConsultationKind(StrEnum):
    retrofit_menu = "retrofit_menu"  # 改造菜单
    intent = "intent"  # 一轮意愿征询
    signing = "signing"  # 二轮征询 / 签约
    owners_decision = "owners_decision"  # 业主共同决定事项


class Scope(StrEnum):
    project = "project"  # 整个项目
    building = "building"  # 一栋楼
    stairwell = "stairwell"  # 一个单元 (e.g. lift installation)


class Visibility(StrEnum):
    live = "live"  # 实时公开
    after_close = "after_close"  # 截止后公开


class Status(StrEnum):
    draft = "draft"
    open = "open"
    closed = "closed"
    decided = "decided"


class ItemClass(StrEnum):
    safety = "safety"  # 安全类
    basic = "basic"  # 基础类
    improvement = "improvement"  # 完善类
    upgrade = "upgrade"  # 提升类
    question = "question"  # the single question of other kinds


class Channel(StrEnum):
    web = "web"  # 线上（表决码）
    paper = "paper"  # 纸质表决票
    door_to_door = "door_to_door"  # 入户
    signing = "signing"  # 签约 (the signing round counts signed agreements)


class SheetStatus(StrEnum):
    """A ballot sheet (one title's choices on every item, as handed in)."""

    pending = "pending"  # paper entered, awaiting the second staff member's check
    counted = "counted"  # the choices are the title's counted ballot
    superseded = "superseded"  # replaced by a later sheet of the same title while open
    mismatch = "mismatch"  # the second entry differed: a supervisor decides
    rejected = "rejected"  # a supervisor set it aside


# Declared once: the service, the API's error message and the tests read this table.
TRANSITIONS: dict[str, tuple[Status, Status]] = {
    "open": (Status.draft, Status.open),
    "close": (Status.open, Status.closed),
    "decide": (Status.closed, Status.decided),
}
