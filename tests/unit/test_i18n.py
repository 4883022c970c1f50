"""Chinese is the default language: every interface string in the templates has a zh_CN translation."""

import re
from pathlib import Path

from tracker.i18n import translations

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Literal msgids only (`_("Text")`, `_("Text", n=…)`); `_("prefix:" ~ value)` builds its msgid at run time.
MSGID = re.compile(r"""_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*[,)]""")


def test_every_template_string_is_translated_to_chinese():
    zh = translations("zh_CN")
    missing = set()
    for template in TEMPLATES.rglob("*.html"):
        for double, single in MSGID.findall(template.read_text()):
            msgid = double or single
            if zh.gettext(msgid) == msgid:
                missing.add(f"{template.relative_to(TEMPLATES)}: {msgid}")
    assert not missing, "untranslated:\n" + "\n".join(sorted(missing))


def test_english_is_the_source_and_chinese_the_translation():
    zh = translations("zh_CN")
    assert zh.gettext("Households") == "住户"
    assert translations("en").gettext("Households") == "Households"
