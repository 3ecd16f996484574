"""The booking page's Danish catalog is complete and compiled (tools/page_catalog.py), and the
page's libraries stay out of every cold start but the page's own."""

import io
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from tools.page_catalog import MO, PO, compiled, extracted

ROOT = Path(__file__).resolve().parents[2]


def test_every_message_of_the_page_has_a_danish_translation():
    catalog = read_po(io.StringIO(PO.read_text(encoding="utf-8")), locale="da")
    missing = [m.id for m in extracted() if m.id and not (catalog.get(m.id) and catalog.get(m.id).string)]
    assert missing == [], "run python -m tools.page_catalog and translate these in page.po"


def test_the_compiled_catalog_is_the_one_page_po_compiles_to():
    assert MO.read_bytes() == compiled(PO.read_text(encoding="utf-8")), "run python -m tools.page_catalog"


def test_the_page_libraries_are_imported_by_the_page_alone():
    script = ("import sys, function_app; print(sorted(m for m in ('jinja2', 'babel', 'authlib', 'tinycss2', "
              "'joserfc', 'functions.booking_page') if m in sys.modules))")
    found = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"
