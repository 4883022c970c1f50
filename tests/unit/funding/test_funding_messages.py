"""Every refusal the funding services and rules word has its Chinese translation, and the rules stay pure."""

import ast
import subprocess
import sys
from pathlib import Path

from tracker.i18n import translations

ROOT = Path(__file__).resolve().parents[3]
ERRORS = {"Invalid", "Conflict", "NotFound", "Forbidden", "Breach", "Problem", "RowsRejected"}


def _messages() -> set[str]:
    """The literal English messages (msgids) the funding modules raise or name a rule with."""
    files = [ROOT / "funding" / name for name in ("rules.py", "exports.py")]
    files += sorted((ROOT / "funding" / "services").glob("*.py"))
    found = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in ERRORS:
                for arg in node.args:
                    for text in ast.walk(arg):
                        if isinstance(text, ast.Constant) and isinstance(text.value, str) and " " in text.value.strip():
                            found.add(text.value)
    return found


def test_every_funding_refusal_is_translated_to_chinese():
    zh = translations("zh_CN")
    messages = _messages()
    assert len(messages) > 50
    missing = sorted(m for m in messages if zh.gettext(m) == m)
    assert not missing, missing


def test_the_rules_of_use_import_nothing_of_the_database_or_the_web():
    loaded = subprocess.run([sys.executable, "-c", "import sys, funding.rules; print('\\n'.join(sys.modules))"],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert not [m for m in loaded if m.startswith(("litestar", "piccolo", "tracker.db", "funding.tables",
                                                    "funding.services"))]
