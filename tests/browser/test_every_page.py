"""Every page, looked at as its users see it: each demo role, on a phone (390 × 844) and a desktop (1366 × 900).

Over the world of `test_access` (one of everything), each role logs in once and visits every GET page its
guards let it use (the route table's rules, path parameters filled with the world's ids), then anonymous
visitors see the public pages, the voting ballot and an error page. On each page and size:
- axe-core (axe-playwright-python's bundled script) runs its WCAG 2.0/2.1 A and AA rules and the
  best-practice ones (landmarks, heading order, a main landmark); any violation fails, named by page,
  rule and selector;
- nothing is wider than the window (no sideways scrolling: tables scroll inside their own wrapper);
- on the phone, every tap target (links, buttons, fields, the label row of a radio or checkbox) is at
  least 44 px high, or sits in a tappable row (its label) that is; links inside a sentence are exempt
  (WCAG 2.5.5's inline exception);
- a full-page screenshot is kept at `var/screenshots/<role>/<page>-<phone|desktop>.png` (CI keeps the
  folder as an artifact for review).
One browser, one login per role, the pages in a loop: everything is collected, then reported at once.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from pathlib import Path

import pytest
from axe_playwright_python.async_playwright import Axe

from tests.browser.conftest import PHONE
from tests.integration.test_access import ROLE_USERS, build_rich_world, fill, routes
from tests.support import PASSWORD
from tracker.app import create_app
from tracker.settings import ROOT

SHOTS = ROOT / "var" / "screenshots"
SIZES = {
    # Device pixels as CSS pixels: the checks are in CSS pixels, and 1× screenshots keep the run short.
    "phone": {**PHONE, "device_scale_factor": 1},
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}
ROLES = ["admin", "manager", "inspector", "chief", "contractor", "staff", "finance", "resident"]
# While fixing one role's pages: EVERY_PAGE_ROLES=chief,resident (CI looks at every role).
ROLES = [r for r in os.environ.get("EVERY_PAGE_ROLES", ",".join(ROLES)).split(",") if r] or ROLES
# Not pages: logging out, switching the language (a redirect back), what only an anonymous visitor sees.
SKIPPED = {"/logout", "/lang/{code:str}", "/login", "/vote"}
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
               "resultTypes": ["violations"]}
MIN_TAP = 44

# Tap targets below 44 px high on a phone, each as "selector (w×h): text". Radios and checkboxes are
# measured by their label (the row a finger hits); a control inside a label row of 44 px or more passes.
_SMALL_TARGETS = """() => {
  const min = %d, out = [];
  const name = el => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (el.getAttribute('name')) s += `[name="${el.getAttribute('name')}"]`;
    if (el.getAttribute('type')) s += `[type="${el.getAttribute('type')}"]`;
    if (el.tagName === 'A') s += `[href="${el.getAttribute('href')}"]`;
    return s;
  };
  const shown = el => {
    const r = el.getBoundingClientRect(), st = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && r.bottom > 0;
  };
  for (const el of document.querySelectorAll(
      'a[href], button, input:not([type=hidden]), select, textarea, summary')) {
    let box = el;
    if (el.matches('input[type=radio], input[type=checkbox]')) {
      box = el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`));
      if (!box) { if (shown(el)) out.push(name(el) + ': no label to tap'); continue; }
    }
    if (!shown(box)) continue;
    const row = el.closest('label');
    if (row && row.getBoundingClientRect().height >= min - 0.5) continue;
    const r = box.getBoundingClientRect();
    if (r.height >= min - 0.5) continue;
    if (el.tagName === 'A') {
      // A link in running text (a sentence of a paragraph) is exempt.
      const p = el.parentElement && el.parentElement.closest('p');
      if (p && p.textContent.trim().length > el.textContent.trim().length + 8) continue;
    }
    out.push(`${name(el)} (${Math.round(r.width)}×${Math.round(r.height)}): ${(el.innerText || el.value || '').trim().slice(0, 30)}`);
  }
  return out;
}""" % MIN_TAP


def _slug(path: str) -> str:
    """`/projects/{project_id:int}/households` → `projects-project_id-households` (`home` for `/`)."""
    slug = re.sub(r"\{(\w+)(?::\w+)?\}", r"\1", path).strip("/").replace("/", "-")
    return slug or "home"


def _pages(app, role: str, ids: dict) -> tuple[list[tuple[str, str]], list[str]]:
    """(route, url) of every GET page route the role's guards let in, and those the world cannot fill."""
    pages, unfilled = [("/", "/")], []
    for rule in routes(app):
        if rule.method != "GET" or rule.api or rule.path.startswith(("/static", "/schema", "/health")):
            continue
        if rule.path in SKIPPED or rule.path == "/" or rule.public:
            continue
        if ROLE_USERS[role] not in rule.roles or ROLE_USERS[role] not in rule.handler_roles:
            continue
        try:
            pages.append((rule.path, fill(rule.path, ids)))
        except KeyError as missing:
            unfilled.append(f"{rule.path}: no {missing.args[0]} in the world")
    return pages, unfilled


class Looker:
    """Looks at one page at one size and writes down what is wrong with it."""

    def __init__(self) -> None:
        self.axe = Axe()
        self.problems: list[str] = []
        self.looked = 0
        self.seen: set[tuple[str, str, str]] = set()  # (page, size, shape) axe has already checked
        self.axe_runs = 0
        self.spent: dict[str, float] = {}  # seconds per step, printed at the end (the runtime stays sane)

    def _took(self, step: str, since: float) -> float:
        now = time.monotonic()
        self.spent[step] = self.spent.get(step, 0.0) + now - since
        return now

    async def look(self, page, who: str, slug: str, size: str, url: str, response=None) -> None:
        where = f"{who} {url} [{size}]"
        self.looked += 1
        if response is not None and response.status >= 500:
            self.problems.append(f"{where}: answers {response.status}")
        folder = SHOTS / who
        folder.mkdir(parents=True, exist_ok=True)
        start = time.monotonic()
        await page.screenshot(path=str(folder / f"{slug}-{size}.png"), full_page=True)
        start = self._took("screenshot", start)
        # axe costs a second or more a page: a page of the same shape (the same kinds of elements, classes
        # and controls) at the same size, already checked for another role, is not checked again.
        shape = (slug, size, await page.evaluate(_SHAPE))
        start = self._took("checks", start)
        results = {"violations": []}
        if shape not in self.seen:
            self.seen.add(shape)
            self.axe_runs += 1
            results = (await self.axe.run(page, options=AXE_OPTIONS)).response
            start = self._took("axe", start)
        for violation in results["violations"]:
            for node in violation["nodes"]:
                why = "; ".join(check["message"] for check in node.get("any", []) + node.get("all", []))
                self.problems.append(f"{where}: axe {violation['id']} ({violation['impact']}) at "
                                     f"{' '.join(map(str, node['target']))}: {why[:200]}")
        wide = await page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if wide[0] > wide[1]:
            self.problems.append(f"{where}: {wide[0]} px wide in a {wide[1]} px window (sideways scrolling)"
                                 f"; widest: {await page.evaluate(_WIDEST)}")
        for apart in await page.evaluate(_APART):
            self.problems.append(f"{where}: a choice's words are not on its control's row: {apart}")
        if url == "/my/todo":
            # The header's count is what the list holds, and shows at this size.
            rows = await page.locator("table.todo tbody tr").count()
            badge = page.locator("#todo-count")
            shown = await badge.count() and await badge.is_visible()
            count = int(await badge.inner_text()) if shown else 0
            if count != rows or (rows and not shown):
                self.problems.append(f"{where}: the header counts {count} to-dos (shown: {bool(shown)}), "
                                     f"the list holds {rows}")
        if size == "phone":
            for small in await page.evaluate(_SMALL_TARGETS):
                self.problems.append(f"{where}: tap target under {MIN_TAP} px: {small}")
        self._took("checks", start)


# Radios and checkboxes whose words are not beside them on their row (a circle between two answers).
_APART = """() => {
  const out = [];
  for (const el of document.querySelectorAll('input[type=radio], input[type=checkbox]')) {
    const label = el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`));
    const box = el.getBoundingClientRect();
    if (!label || box.width === 0) continue;
    const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode()) && !node.textContent.trim()) {}
    if (!node) { out.push(`${el.name}=${el.value}: no words`); continue; }
    const range = document.createRange();
    range.selectNodeContents(node);
    // Beside its words: level with them (a long label wraps around the control's middle) and just after it.
    const words = range.getBoundingClientRect(), first = range.getClientRects()[0];
    const middle = box.top + box.height / 2;
    if (!first || middle < words.top || middle > words.bottom || Math.abs(first.left - box.right) > 48)
      out.push(`${el.name}=${el.value} "${node.textContent.trim().slice(0, 20)}"`);
  }
  return out;
}"""


# What axe's result depends on, short of the words: every element's tag, classes, role, type and ARIA.
_SHAPE = """() => {
  const kinds = new Set();
  for (const el of document.body.querySelectorAll('*')) {
    let k = el.tagName + '.' + [...el.classList].sort().join('.');
    for (const a of el.getAttributeNames()) if (/^(role|type|aria-|alt|for|tabindex|style)/.test(a)) k += ' ' + a;
    kinds.add(k);
  }
  return [...kinds].sort().join('|');
}"""


# The elements that stick out of the window on the right, deepest first (what to fix).
_WIDEST = """() => {
  const w = window.innerWidth, out = [];
  for (const el of document.querySelectorAll('main *, header *')) {
    const r = el.getBoundingClientRect();
    if (r.right > w + 1 && !el.querySelector('*:not(br)')) {
      out.push(el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : '')
               + ' → ' + Math.round(r.right));
      if (out.length >= 3) break;
    }
  }
  return out.join(', ');
}"""


async def _log_in(context, username: str) -> None:
    page = await context.new_page()
    await page.goto("/login")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_load_state("networkidle")
    assert "/login" not in page.url, f"{username} could not log in"
    await page.close()


async def _visit(context, looker: Looker, who: str, pages: list[tuple[str, str]], size: str,
                 skipped: list[str]) -> None:
    page = await context.new_page()
    page.set_default_timeout(15000)
    for route, url in pages:
        start = time.monotonic()
        try:
            response = await page.goto(url, wait_until="load")
            looker._took("load", start)
        except Exception as error:  # a download (CSV, XLSX, PDF) is not a page to look at
            if "Download is starting" in str(error):
                skipped.append(f"{who} {url}: a download")
                continue
            raise
        if response is not None and "text/html" not in (response.headers.get("content-type") or ""):
            skipped.append(f"{who} {url}: {response.headers.get('content-type')}")
            continue
        await looker.look(page, who, _slug(route), size, url, response)
    await page.close()


async def test_every_page_at_both_sizes_is_accessible_fits_and_is_tappable(world, browser, live_server):
    from tracker.consultations import services as consultations

    app, opened = create_app(), []
    try:
        rich = await build_rich_world(app, world, opened)
    finally:
        for client in opened:
            await client.__aexit__(None, None, None)
    looker, skipped, unfilled = Looker(), [], []
    for role in ROLES:
        ids = {**rich.ids, **rich.for_role.get(role, {})}
        pages, missing = _pages(app, role, ids)
        unfilled.extend(f"{role}: {m}" for m in missing)
        first = await browser.new_context(base_url=live_server, locale="zh-CN", **SIZES["phone"])
        await _log_in(first, role)
        second = await browser.new_context(base_url=live_server, locale="zh-CN", storage_state=await first.storage_state(),
                                           **SIZES["desktop"])
        # The two sizes at once: the server, Chromium and this process take turns on the cores.
        await asyncio.gather(_visit(first, looker, role, pages, "phone", skipped),
                             _visit(second, looker, role, pages, "desktop", skipped))
        await first.close()
        await second.close()

    # Anonymous visitors: the login page, the voting code and the ballot it opens, the public pages, a 404.
    letters = await consultations.voting_letters(rich.ids["consultation_id"])
    anonymous = [("/login", "/login"), ("/vote", "/vote"), ("/verify/{token}", f"/verify/{rich.ids['token']}"),
                 ("/public/consultations/{consultation_id}", f"/public/consultations/{rich.ids['consultation_id']}"),
                 ("/public/funding/{project_id}", f"/public/funding/{rich.ids['project_id']}"),
                 ("/public/handover/batches/{batch_id}", f"/public/handover/batches/{rich.ids['batch_id']}"),
                 ("not-found", "/projects/999999999")]
    for size in SIZES:
        context = await browser.new_context(base_url=live_server, locale="zh-CN", **SIZES[size])
        await _visit(context, looker, "anonymous", anonymous, size, skipped)
        page = await context.new_page()
        await page.goto("/vote")
        await page.fill("input[name=code]", letters[0]["code"])
        await page.click("button[type=submit]")
        await page.wait_for_selector("fieldset.item")
        await looker.look(page, "anonymous", "vote-ballot", size, "/vote (ballot)")
        if size == "phone":  # the receipt, once: casting is the way to it (a second cast would change the vote)
            for fieldset in await page.locator("#ballot fieldset.item").all():
                await fieldset.locator("label.choice").first.click()
            await page.click("#ballot button[type=submit]")
            await page.wait_for_selector("#summary")
            await page.click("#cast")
            await page.wait_for_selector("#receipt")
            for receipt_size in SIZES:
                await page.set_viewport_size(SIZES[receipt_size]["viewport"])
                await looker.look(page, "anonymous", "vote-receipt", receipt_size, "/vote/receipt")
        await context.close()

    spent = ", ".join(f"{step} {seconds:.0f} s" for step, seconds in looker.spent.items())
    print(f"\nlooked at {looker.looked} pages × sizes, axe over {looker.axe_runs} shapes ({spent}); "
          f"not pages: {len(skipped)}")
    assert not unfilled, "pages the world has no record for:\n" + "\n".join(unfilled)
    assert looker.looked >= 2 * len(ROLES) * 10, looker.looked  # every role has its pages (a broken login would not)
    assert not looker.problems, f"{len(looker.problems)} problems:\n" + "\n".join(looker.problems)
