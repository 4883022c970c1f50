"""Enumerations of handover: batch states, milestones, unit states, acceptance items, warranty parts."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class BatchStatus(StrEnum):
    planned = "planned"  # 计划中
    in_acceptance = "in_acceptance"  # 验收中
    delivering = "delivering"  # 交付中
    delivered = "delivered"  # 已交付


class Milestone(StrEnum):
    """A building's milestones, in the order they happen."""

    topped_out = "topped_out"  # 主体封顶
    units_accepted = "units_accepted"  # 分户验收完成
    completion_accepted = "completion_accepted"  # 竣工验收
    filed = "filed"  # 综合验收 / 竣工验收备案
    handed_over = "handed_over"  # 交付


MILESTONE_ORDER = tuple(Milestone)


class UnitStatus(StrEnum):
    in_construction = "in_construction"  # 在建
    available = "available"  # 可选
    selected = "selected"  # 已选
    handed_over = "handed_over"  # 已交付


class AcceptanceItem(IntEnum):
    """分户验收 items (建质〔2009〕291号)."""

    surfaces = 1  # 地面、墙面和顶棚质量
    doors_windows = 2  # 门窗质量
    railings = 3  # 栏杆、护栏质量
    waterproofing = 4  # 防水工程质量
    dimensions = 5  # 室内主要空间尺寸
    plumbing = 6  # 给水排水系统安装质量
    electrical = 7  # 室内电气工程安装质量
    energy_heating = 8  # 建筑节能和采暖工程质量
    contract_items = 9  # 有关合同中规定的其他内容


class ItemResult(StrEnum):
    pending = "pending"
    passed = "passed"
    failed = "failed"


class OrderMethod(StrEnum):
    """How the selection order is fixed."""

    signing = "signing"  # 先签约先选房
    lottery = "lottery"  # 摇号


class MissedSlot(StrEnum):
    """What happens to a household that misses its selection slot."""

    to_end = "to_end"  # moves behind everyone (顺延至最后)
    next_slot = "next_slot"  # moves to the start of the next slot


class WarrantyPart(StrEnum):
    """Parts with their statutory warranty (建设工程质量管理条例 第四十条)."""

    structure = "structure"  # 地基基础和主体结构: design life
    waterproofing = "waterproofing"  # 屋面防水、有防水要求的房间和外墙面防渗漏: 5 years
    heating_cooling = "heating_cooling"  # 供热与供冷系统: 2 heating / cooling seasons
    electrical = "electrical"  # 电气管线: 2 years
    plumbing = "plumbing"  # 给排水管道: 2 years
    equipment = "equipment"  # 设备安装: 2 years
    fit_out = "fit_out"  # 装修工程: 2 years
