"""The read rule of every inspection record, role by role, as `inspections/access.py` declares it."""

import re
from pathlib import Path

import pytest

from inspections import access, services
from inspections.services import common
from inspections.services.documents import DOCUMENT_READERS
from tracker.accounts.actor import Actor
from tracker.accounts.roles import Role
from tracker.errors import Forbidden

PROJECT, OURS, THEIRS = 1, 10, 20


def actor(role: Role, org: int | None = None, projects=(PROJECT,), user_id: int = 7) -> Actor:
    return Actor(id=user_id, username=role.value, name=role.value, role=role, organisation_id=org,
                 project_ids=frozenset(projects))


ISSUE = {"project": PROJECT, "responsible_org": OURS}
NOTICE = {"project": PROJECT, "addressed_org": OURS}
ORDER = {"project": PROJECT, "addressed_org": OURS}
CHECKS = [(access.check_issue, ISSUE), (access.check_notice, NOTICE), (access.check_stop_work, ORDER)]


@pytest.mark.parametrize("check,row", CHECKS)
@pytest.mark.parametrize("reader,allowed", [
    (actor(Role.admin, projects=()), True),
    (actor(Role.project_manager), True),
    (actor(Role.inspector), True),
    (actor(Role.chief_inspector), True),
    (actor(Role.community_staff), True),
    (actor(Role.contractor, OURS), True),
    (actor(Role.contractor, THEIRS), False),
    (actor(Role.contractor, None), False),
    (actor(Role.finance), False),
    (actor(Role.resident), False),
    (actor(Role.inspector, projects=(2,)), False),
])
def test_records_are_read_by_staff_of_the_project_and_the_contractor_addressed(check, row, reader, allowed):
    assert access.can(check, reader, row) is allowed


def test_finance_sees_the_stop_status_but_residents_do_not():
    access.check_stop_status(actor(Role.finance), PROJECT)
    access.check_stop_status(actor(Role.contractor, THEIRS), PROJECT)
    for refused in [actor(Role.resident), actor(Role.finance, projects=(2,))]:
        with pytest.raises(Forbidden):
            access.check_stop_status(refused, PROJECT)


def test_a_defect_report_is_read_by_staff_and_its_own_resident():
    report = {"project": PROJECT, "reported_by": 7}
    assert access.can(access.check_report, actor(Role.resident, user_id=7), report)
    assert not access.can(access.check_report, actor(Role.resident, user_id=8), report)
    assert access.can(access.check_report, actor(Role.community_staff), report)
    assert not access.can(access.check_report, actor(Role.contractor, OURS), report)
    assert not access.can(access.check_report, actor(Role.finance), report)


def test_lists_are_narrowed_for_contractors_only():
    assert common.issue_scope(actor(Role.inspector)) == []
    assert len(common.notice_scope(actor(Role.contractor, OURS))) == 1
    assert len(common.stop_work_scope(actor(Role.contractor, None))) == 1


def test_every_kind_of_document_inspections_issue_has_its_reader():
    # Read from the issuing code, so a new kind of document cannot ship readable by admins only.
    source = "".join(p.read_text(encoding="utf-8") for p in Path(services.__file__).parent.glob("*.py"))
    issued = set(re.findall(r'issue_document\([^)]*?kind=f?"([a-z_]+)', source, flags=re.S))
    assert issued == {"notice", "notice_reply", "stop_work", "resumption"}
    assert issued <= set(DOCUMENT_READERS)
