"""Write a zh_CN catalogue from a Python dict file: python scripts/write_po.py DICT.py DOMAIN.

The dict file defines T = {msgid: msgstr}. Existing entries of the domain file are kept
and updated, so a helper can add translations without hand-writing PO syntax.
"""

import runpy
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

source, domain = sys.argv[1], sys.argv[2]
target = Path("app/i18n/zh_CN") / f"{domain}.po"
catalogue = Catalog(locale="zh_CN", project="Chanjiao", domain=domain)
if target.exists():
    with target.open("rb") as fh:
        for message in read_po(fh, locale="zh_CN"):
            if message.id:
                catalogue.add(message.id, message.string)
for msgid, msgstr in runpy.run_path(source)["T"].items():
    catalogue.add(msgid, msgstr)
target.parent.mkdir(parents=True, exist_ok=True)
with target.open("wb") as fh:
    write_po(fh, catalogue, width=0, omit_header=True, sort_output=True)
print(f"{target}: {len(catalogue)} messages")
