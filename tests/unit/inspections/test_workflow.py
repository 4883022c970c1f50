"""Every state × action × role of the issue state machine."""

import itertools

import pytest

from inspections import workflow
from inspections.kinds import Ball, IssueAction, IssueStatus
from tracker.accounts.roles import Role
from tracker.errors import Conflict, Forbidden

EXPECTED = {
    ("open", "notify"): "rectifying",
    ("open", "void"): "void",
    ("rectifying", "submit"): "submitted",
    ("rectifying", "withdraw"): "open",
    ("rectifying", "void"): "void",
    ("submitted", "verify"): "verified",
    ("submitted", "reject"): "rectifying",
    ("submitted", "withdraw"): "open",
    ("submitted", "void"): "void",
}
ACTORS = {
    "notify": {Role.inspector, Role.chief_inspector},
    "void": {Role.inspector, Role.chief_inspector},
    "withdraw": {Role.inspector, Role.chief_inspector},
    "verify": {Role.inspector, Role.chief_inspector},
    "reject": {Role.inspector, Role.chief_inspector},
    "submit": {Role.contractor},
}


@pytest.mark.parametrize(
    "status,action,role", list(itertools.product(IssueStatus, IssueAction, Role)),
    ids=lambda v: getattr(v, "value", v),
)
def test_every_state_action_role(status, action, role):
    if role not in ACTORS[action.value]:
        with pytest.raises(Forbidden) as refused:
            workflow.transition(status, action, role)
        assert refused.value.rule == "issue_action_role"
    elif (status.value, action.value) in EXPECTED:
        assert workflow.transition(status, action, role) == EXPECTED[(status.value, action.value)]
    else:
        with pytest.raises(Conflict) as refused:
            workflow.transition(status, action, role)
        allowed = ", ".join(a for (s, a) in EXPECTED if s == status.value) or "nothing"
        assert f"allowed from `{status.value}`: {allowed}" in refused.value.detail


def test_table_is_the_declared_one():
    assert {(s.value, a.value): t.target.value for (s, a), t in workflow.TRANSITIONS.items()} == EXPECTED


def test_contractor_trying_to_verify_is_forbidden_in_every_state():
    for status in IssueStatus:
        with pytest.raises(Forbidden):
            workflow.transition(status, IssueAction.verify, Role.contractor)


def test_submitted_names_verify_and_reject():
    with pytest.raises(Conflict) as refused:
        workflow.transition(IssueStatus.submitted, IssueAction.notify, Role.inspector)
    assert "allowed from `submitted`: verify, reject, withdraw, void" in refused.value.detail


def test_ball_in_court():
    assert workflow.ball("open") is Ball.inspecting
    assert workflow.ball("rectifying") is Ball.contractor
    assert workflow.ball("submitted") is Ball.inspecting
    assert workflow.ball("verified") is Ball.nobody
    assert workflow.ball("void") is Ball.nobody
    assert all(workflow.allowed_from(s) == [] for s in workflow.FINAL)
