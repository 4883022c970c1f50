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


def test_domain_catalogs_never_translate_the_same_msgid_differently():
    """Catalogs are merged, so two domains disagreeing on one msgid (say `enum:open`) would let the
    alphabetically later one silently win on the other's pages."""
    from collections import defaultdict

    from babel.messages.pofile import read_po

    from tracker.i18n import catalog_files

    translations_of: dict[str, set[str]] = defaultdict(set)
    for po in catalog_files("zh_CN"):
        with po.open("rb") as handle:
            for message in read_po(handle):
                if message.id and message.string:
                    translations_of[message.id].add(message.string)
    clashes = {msgid: sorted(strings) for msgid, strings in translations_of.items() if len(strings) > 1}
    assert not clashes, clashes
