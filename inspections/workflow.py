"""The issue state machine (check → rectify → recheck → close), declared once as a table.

Services move issues only through `transition()`, the API's 409 names `allowed_from()`, and the
tests walk every state × action × role of `TRANSITIONS`.
"""

from __future__ import annotations

from dataclasses import dataclass

from inspections.kinds import Ball, IssueAction, IssueStatus
from tracker.accounts.roles import CONTRACTING, INSPECTING, Role
from tracker.errors import Conflict, Forbidden

S, A = IssueStatus, IssueAction



@dataclass(frozen=True)
class Transition:
    target: IssueStatus
    roles: frozenset[Role]


TRANSITIONS: dict[tuple[IssueStatus, IssueAction], Transition] = {
    (S.open, A.notify): Transition(S.rectifying, INSPECTING),
    (S.open, A.void): Transition(S.void, INSPECTING),
    (S.rectifying, A.submit): Transition(S.submitted, CONTRACTING),
    (S.rectifying, A.withdraw): Transition(S.open, INSPECTING),
    (S.rectifying, A.void): Transition(S.void, INSPECTING),
    (S.submitted, A.verify): Transition(S.verified, INSPECTING),
    (S.submitted, A.reject): Transition(S.rectifying, INSPECTING),
    (S.submitted, A.withdraw): Transition(S.open, INSPECTING),
    (S.submitted, A.void): Transition(S.void, INSPECTING),
}

# Whose move it is in each state.
BALL: dict[IssueStatus, Ball] = {
    S.open: Ball.inspecting,  # a notice is to be issued
    S.rectifying: Ball.contractor,
    S.submitted: Ball.inspecting,  # a recheck is due
    S.verified: Ball.nobody,
    S.void: Ball.nobody,
}

FINAL = frozenset({S.verified, S.void})


def allowed_from(status: IssueStatus) -> list[IssueAction]:
    return [action for (state, action) in TRANSITIONS if state == status]


def roles_for(action: IssueAction) -> frozenset[Role]:
    roles: set[Role] = set()
    for (_, act), transition in TRANSITIONS.items():
        if act == action:
            roles |= transition.roles
    return frozenset(roles)


def transition(status: IssueStatus | str, action: IssueAction | str, role: Role) -> IssueStatus:
    """The state `action` leads to from `status` for `role`, or the refusal naming the rule.

    A role that may never take the action is refused first (403), whatever the state; otherwise
    an action the state does not allow is a conflict (409) naming the actions it does allow.
    """
    status, action = IssueStatus(status), IssueAction(action)
    if role not in roles_for(action):
        who = ", ".join(sorted(r.value for r in roles_for(action)))
        raise Forbidden(
            "Only {who} may {action} an issue.", rule="issue_action_role", field="action", who=who,
            action=action.value,
        )
    found = TRANSITIONS.get((status, action))
    if found is None:
        allowed = ", ".join(a.value for a in allowed_from(status)) or "nothing"
        raise Conflict(
            "Cannot {action} an issue that is {status}; allowed from `{status}`: {allowed}.",
            rule="issue_transition", field="status", action=action.value, status=status.value, allowed=allowed,
        )
    if role not in found.roles:  # pragma: no cover - every action has one set of roles today
        raise Forbidden("Only {who} may {action} an issue.", rule="issue_action_role", field="action",
                        who=", ".join(sorted(found.roles)), action=action.value)
    return found.target


def ball(status: IssueStatus | str) -> Ball:
    return BALL[IssueStatus(status)]
