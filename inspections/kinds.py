"""Enumerations of quality supervision, declared once for tables, schemas, forms and tests."""

from __future__ import annotations

from enum import StrEnum


class IssueKind(StrEnum):
    quality = "quality"  # 质量
    safety = "safety"  # 安全


class Severity(StrEnum):
    general = "general"  # 一般
    serious = "serious"  # 较大
    major = "major"  # 重大


class IssueStatus(StrEnum):
    open = "open"  # 待发通知
    rectifying = "rectifying"  # 整改中 (on a notice)
    submitted = "submitted"  # 已回复，待复查
    verified = "verified"  # 已销号
    void = "void"  # 已作废


class IssueAction(StrEnum):
    notify = "notify"  # put on an issued notice (下发通知)
    submit = "submit"  # contractor reports it fixed (回复)
    verify = "verify"  # recheck passed, closed (复查通过，销号)
    reject = "reject"  # recheck failed, rectify again (复查不通过)
    withdraw = "withdraw"  # its notice was voided; back to open
    void = "void"  # filed in error (作废)


class Ball(StrEnum):
    """Whose move it is (ball in court)."""

    inspecting = "inspecting"  # 监理
    contractor = "contractor"  # 施工单位
    nobody = "nobody"


class ReportStatus(StrEnum):
    pending = "pending"  # 待受理
    accepted = "accepted"  # 已受理
    declined = "declined"  # 不予受理


class NoticeSeries(StrEnum):
    """Numbered series of rectification notices; each numbers separately per project and year."""

    supervision = "supervision"  # 监理通知单 (A.0.3)
    station_rectification = "station_rectification"  # 质监站 整改通知书
    station_partial_suspension = "station_partial_suspension"  # 质监站 局部暂缓施工指令单
    station_stop = "station_stop"  # 质监站 停工指令单


NOTICE_TITLES = {
    NoticeSeries.supervision: "监理通知单",
    NoticeSeries.station_rectification: "整改通知书",
    NoticeSeries.station_partial_suspension: "局部暂缓施工指令单",
    NoticeSeries.station_stop: "停工指令单",
}

# Number prefixes stay ASCII: numbers travel in file names and HTTP headers.
SERIES_PREFIX = {
    NoticeSeries.supervision: "JLTZ",
    NoticeSeries.station_rectification: "ZJZG",
    NoticeSeries.station_partial_suspension: "ZJHJ",
    NoticeSeries.station_stop: "ZJTG",
    "reply": "TZHF",
    "stop_work": "GCZT",
    "resumption": "GCFG",
}


class NoticeStatus(StrEnum):
    issued = "issued"  # 已签发，整改中
    closed = "closed"  # 全部销号
    voided = "voided"  # 已作废


class RecheckResult(StrEnum):
    verified = "verified"  # 复查合格
    rejected = "rejected"  # 复查不合格


class StopScope(StrEnum):
    project = "project"  # 整个工程
    building = "building"  # 单体 / 楼栋
    part = "part"  # 部位（工序）


class StopCause(StrEnum):
    """The five triggers of GB/T 50319-2013 §6.2.2."""

    owner_request = "owner_request"  # 建设单位要求暂停施工且工程需要暂停施工
    unapproved_work = "unapproved_work"  # 擅自施工或拒绝项目监理机构管理
    design_deviation = "design_deviation"  # 未按审查通过的工程设计文件施工
    mandatory_standard_breach = "mandatory_standard_breach"  # 违反工程建设强制性标准
    major_hazard = "major_hazard"  # 存在重大质量、安全事故隐患或发生质量、安全事故


STOP_CAUSE_TEXT = {
    StopCause.owner_request: "建设单位要求暂停施工且工程需要暂停施工",
    StopCause.unapproved_work: "施工单位未经批准擅自施工或拒绝项目监理机构管理",
    StopCause.design_deviation: "施工单位未按审查通过的工程设计文件施工",
    StopCause.mandatory_standard_breach: "施工单位违反工程建设强制性标准",
    StopCause.major_hazard: "施工存在重大质量、安全事故隐患或发生质量、安全事故",
}


class StopStatus(StrEnum):
    in_force = "in_force"  # 停工中
    resumed = "resumed"  # 已复工
    voided = "voided"  # 已作废


class ResumptionStatus(StrEnum):
    applied = "applied"  # 施工单位已申请
    reviewed = "reviewed"  # 总监已审核
    approved = "approved"  # 建设单位已批准
    refused = "refused"  # 退回
    ordered = "ordered"  # 已发复工令


class InboxKind(StrEnum):
    digest = "digest"  # 每日汇总提醒
    escalation = "escalation"  # 升级至总监
