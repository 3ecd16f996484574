"""The booking page's Danish catalog (functions/page/locales/da/LC_MESSAGES/page.po and .mo).

    python -m tools.page_catalog        # extract the messages, merge them into page.po, compile page.mo

Messages are extracted from the templates (Jinja2's Babel extractor) and from
functions/page/*.py (the `_` marker); translations already in
page.po are kept, new messages get an empty one to fill in. tests/unit/test_page_catalog.py
fails when a message has no Danish translation or page.mo is older than page.po.
"""

import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "functions" / "page"
PO = PAGE / "locales" / "da" / "LC_MESSAGES" / "page.po"
MO = PO.with_suffix(".mo")
SOURCES = [(ROOT / "functions", [("page/templates/**.html", "jinja2"), ("page/*.py", "python")])]
OPTIONS = {"page/templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "True",
                                      "lstrip_blocks": "True"}}


def extracted() -> Catalog:
    catalog = Catalog(locale="da", domain="page", project="BookMe booking page")
    for folder, methods in SOURCES:
        for filename, line, message, comments, context in extract_from_dir(
                str(folder), methods, options_map=OPTIONS, keywords={"_": None, "gettext": None}):
            catalog.add(message, locations=[(filename, line)], auto_comments=comments, context=context)
    return catalog


def compiled(po_text: str) -> bytes:
    catalog = read_po(io.StringIO(po_text), locale="da", domain="page")
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def main() -> None:
    template = extracted()
    existing = read_po(io.StringIO(PO.read_text(encoding="utf-8")), locale="da") if PO.exists() else None
    # The header's dates stay as they were, so a run that changes no message changes no file.
    catalog = Catalog(locale="da", domain="page", project="BookMe booking page", version="1",
                      creation_date=existing.creation_date if existing else None,
                      revision_date=existing.revision_date if existing else None)
    for message in template:
        if not message.id:
            continue
        found = existing.get(message.id) if existing else None
        catalog.add(message.id, found.string if found else "", locations=[], auto_comments=message.auto_comments)
    out = io.BytesIO()
    write_po(out, catalog, omit_header=False, no_location=True, width=100, sort_output=True)
    PO.parent.mkdir(parents=True, exist_ok=True)
    PO.write_bytes(out.getvalue())
    MO.write_bytes(compiled(PO.read_text(encoding="utf-8")))
    missing = [m.id for m in catalog if m.id and not m.string]
    print(f"{len(catalog)} messages; {len(missing)} without a Danish translation")
    for message in missing:
        print("  ", message)


if __name__ == "__main__":
    main()
