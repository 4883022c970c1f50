"""The offline dependency check of scripts/dep_audit.py judges a list the way its docstring says."""

import importlib.util
from pathlib import Path

spec = importlib.util.spec_from_file_location("dep_audit", Path(__file__).parents[2] / "scripts" / "dep_audit.py")
dep_audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(dep_audit)

VULN = {"id": "PYSEC-2099-1", "aliases": ["CVE-2099-1"], "fixed_in": [], "summary": "bad"}


def listed(**projects):
    return {"fetched_at": "2099-01-01", "projects": projects}


def test_a_vulnerable_latest_release_is_a_finding_whether_current_or_behind(capsys):
    assert dep_audit.check({"litestar": "2.25.0"}, listed(litestar={"latest": "2.25.0", "vulnerabilities": [VULN]})) == 1
    assert dep_audit.check({"litestar": "2.24.0"}, listed(litestar={"latest": "2.25.0", "vulnerabilities": [VULN]})) == 1
    assert "VULNERABLE litestar 2.24.0: PYSEC-2099-1" in capsys.readouterr().out


def test_clean_lists_pass_and_a_dependency_behind_is_named(capsys):
    assert dep_audit.check({"litestar": "2.24.0"}, listed(litestar={"latest": "2.25.0", "vulnerabilities": []})) == 0
    assert "litestar 2.24.0 (latest 2.25.0)" in capsys.readouterr().out


def test_an_accepted_vulnerability_is_not_a_finding(monkeypatch):
    monkeypatch.setattr(dep_audit, "ACCEPTED", {"CVE-2099-1"})
    assert dep_audit.check({"litestar": "2.25.0"}, listed(litestar={"latest": "2.25.0", "vulnerabilities": [VULN]})) == 0
