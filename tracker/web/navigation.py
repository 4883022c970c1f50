"""Which modules of a project a user may open, read off the route table's guards.

A module is linked from home and from the project page only where its entry page exists in this app and
its guards let the user's role in, so a link never leads to a 403/404 and a new module's page appears
once its route is registered (funding pages, for instance, as they land).
"""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Litestar
from litestar.routes import HTTPRoute

from tracker.accounts.roles import Role
from tracker.i18n import gettext


@dataclass(frozen=True)
class Module:
    key: str
    label: str  # English msgid, translated when shown
    path: str  # the route's path as the route table spells it
    kinds: frozenset[str] | None = None  # project kinds the module applies to (None: every kind)


def _(text: str) -> str:  # marks a msgid for extraction; translated when shown
    return text


MODULES: tuple[Module, ...] = (
    Module("register", _("Households"), "/projects/{project_id:int}/households"),
    Module("inspections", _("Inspections"), "/projects/{project_id:int}/inspections"),
    Module("consultations", _("Consultations"), "/projects/{project_id:int}/consultations"),
    Module("funding", _("Funding"), "/projects/{project_id:int}/funding"),
    Module("contract_payments", _("Contract payments"), "/projects/{project_id:int}/contract-payments"),
    Module("contracts", _("Contracts"), "/projects/{project_id:int}/contracts"),
    Module("handover", _("Handover schedule"), "/projects/{project_id:int}/handover",
           kinds=frozenset({"resettlement_housing"})),
    Module("acceptance", _("Unit acceptance"), "/projects/{project_id:int}/handover/acceptance",
           kinds=frozenset({"resettlement_housing"})),
)


def roles_of(handler) -> frozenset[Role]:
    """The roles a GET handler's guards let in (role guards carry `allowed_roles`; a declared Access narrows)."""
    roles = frozenset(Role)
    for guard in handler.resolve_guards():
        if hasattr(guard, "allowed_roles"):
            roles &= guard.allowed_roles
    access = handler.opt.get("access")
    if access is not None and getattr(access, "roles", None) is not None:
        roles &= access.roles
    return roles


_CACHE: dict[int, dict[str, frozenset[Role]]] = {}


def page_roles(app: Litestar) -> dict[str, frozenset[Role]]:
    """GET page path → roles let in, for the app's route table (computed once per app)."""
    found = _CACHE.get(id(app))
    if found is None:
        found = {}
        for route in app.routes:
            if isinstance(route, HTTPRoute):
                for handler in route.route_handlers:
                    if "GET" in (handler.http_methods or ()):
                        found[route.path] = roles_of(handler)
        _CACHE[id(app)] = found
    return found


@dataclass(frozen=True)
class Link:
    key: str
    label: str
    href: str


def project_modules(app: Litestar, role: Role | str, project_id: int, project_kind: str) -> list[Link]:
    """The modules of one project the role may open, as links (label translated)."""
    table = page_roles(app)
    role = Role(role)
    return [Link(m.key, gettext(m.label), m.path.replace("{project_id:int}", str(project_id)))
            for m in MODULES
            if m.path in table and role in table[m.path] and (m.kinds is None or project_kind in m.kinds)]
