"""Known vulnerabilities in the installed dependencies: pip-audit, or an offline list where it cannot work.

Run by `make audit` (and so by CI): `.venv/bin/python scripts/dep_audit.py`. Exits 1 on a finding that
docs/security-findings.md does not accept (by its id in ACCEPTED below), 0 otherwise.

pip-audit asks PyPI's per-release JSON API (`/pypi/NAME/VERSION/json`) about each installed
distribution. Where that API answers, pip-audit runs in strict mode (a dependency it cannot audit is a
failure). Where it does not (the build machines of this project reach only PyPI's project pages), the
list is made at build time from what PyPI does publish there: each project's JSON names the known
vulnerabilities of its latest release. It is saved to var/vulnerabilities.json and checked offline:
a dependency at its latest release is judged exactly; one behind it is a finding when the latest
release is itself affected (nothing fixed yet), and otherwise listed as "behind" so that it can be
raised (PyPI keeps no per-release list on those pages).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
LIST = ROOT / "var" / "vulnerabilities.json"  # made afresh by every run, never committed
TIMEOUT_S = 20
# Vulnerability ids accepted after review; each is explained in docs/security-findings.md.
ACCEPTED: set[str] = set()


def _get(url: str, tries: int = 3) -> dict | None:
    for attempt in range(1, tries + 1):
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT_S) as answer:  # nosec B310  # a fixed https URL
                return json.load(answer)
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            if attempt == tries or exc.code < 500:
                raise
        except (urllib.error.URLError, TimeoutError):
            if attempt == tries:
                raise
        time.sleep(2 * attempt)  # a passing fault of the registry: a short pause, then again
    return None


def runtime_closure() -> dict[str, str]:
    """The distributions the project needs at run time and for its tests: name -> installed version."""
    found: dict[str, str] = {}
    todo = [Requirement(r) for r in metadata.requires("tracker") or []]
    while todo:
        req = todo.pop()
        if req.marker is not None and not req.marker.evaluate({"extra": "test"}):
            continue
        name = canonicalize_name(req.name)
        if name in found:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        found[name] = dist.version
        for extra in req.extras:
            todo += [Requirement(r) for r in dist.requires or [] if f'extra == "{extra}"' in r]
        todo += [Requirement(r) for r in dist.requires or [] if "extra ==" not in r]
    return found


def per_release_api_answers() -> bool:
    pip_version = metadata.version("pip")
    try:
        return _get(f"https://pypi.org/pypi/pip/{pip_version}/json") is not None
    except (urllib.error.URLError, TimeoutError):
        return False


def run_pip_audit() -> int:
    command = [sys.executable, "-m", "pip_audit", "--strict", "--skip-editable", "--progress-spinner", "off"]
    for vuln in sorted(ACCEPTED):
        command += ["--ignore-vuln", vuln]
    return subprocess.run(command, check=False).returncode  # nosec B603  # fixed arguments


def build_list(installed: dict[str, str]) -> dict:
    projects = {}
    for name in sorted(installed):
        data = _get(f"https://pypi.org/pypi/{name}/json")
        if data is None:
            continue
        projects[name] = {
            "latest": data["info"]["version"],
            "vulnerabilities": [
                {"id": v["id"], "aliases": v.get("aliases", []), "fixed_in": v.get("fixed_in", []),
                 "summary": (v.get("summary") or v.get("details") or "")[:200]}
                for v in data.get("vulnerabilities") or []
            ],
        }
    return {"fetched_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "projects": projects}


def check(installed: dict[str, str], listed: dict) -> int:
    findings, behind, unknown = [], [], []
    for name, version in sorted(installed.items()):
        project = listed["projects"].get(name)
        if project is None:
            unknown.append(name)
            continue
        current = Version(version) >= Version(project["latest"])
        for vuln in project["vulnerabilities"]:
            if vuln["id"] in ACCEPTED or set(vuln["aliases"]) & ACCEPTED:
                continue
            findings.append(f"{name} {version}: {vuln['id']} ({', '.join(vuln['aliases'])}) fixed in "
                            f"{', '.join(vuln['fixed_in']) or 'no release yet'}: {vuln['summary']}")
        if not current:
            behind.append(f"{name} {version} (latest {project['latest']})")
    print(f"dep-audit: offline list of {listed['fetched_at']}, {len(installed)} dependencies, "
          f"{len(findings)} finding(s)")
    for line in findings:
        print(f"  VULNERABLE {line}")
    if behind:
        print(f"  behind their latest release (not vulnerable as far as PyPI's pages say): {'; '.join(behind)}")
    if unknown:
        print(f"  not on PyPI: {', '.join(unknown)}")
    return 1 if findings else 0


def main() -> int:
    installed = runtime_closure()
    if per_release_api_answers():
        print("dep-audit: PyPI's per-release API answers: pip-audit --strict")
        return run_pip_audit()
    print("dep-audit: PyPI's per-release API is out of reach: offline list from the project pages")
    LIST.parent.mkdir(parents=True, exist_ok=True)
    try:
        listed = build_list(installed)
    except (urllib.error.URLError, TimeoutError) as exc:
        # No list, no verdict: failing says so, where passing would claim a check that did not happen.
        print(f"dep-audit: PyPI did not answer ({exc}); no vulnerability list could be made", file=sys.stderr)
        return 2
    LIST.write_text(json.dumps(listed, indent=1, sort_keys=True))
    return check(installed, json.loads(LIST.read_text()))


if __name__ == "__main__":
    sys.exit(main())
