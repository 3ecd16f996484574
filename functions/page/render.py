"""Rendering the booking page: Jinja2 templates with Babel's catalogs (Danish, English) and its
locale-aware dates and times in the organization's time zone, named on the page."""

import functools
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from babel import Locale
from babel.dates import format_date, format_time, get_timezone_location, get_timezone_name
from babel.support import NullTranslations, Translations

HERE = Path(__file__).resolve().parent
LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"  # a Danish bank's customers; Accept-Language or ?lang= says otherwise
# English dates and times as in the United Kingdom: 24-hour clock, day before month.
_LOCALES = {"da": "da", "en": "en_GB"}
_DAY_PATTERNS = {"da": "EEEE 'den' d. MMMM", "en": "EEEE d MMMM"}


def language(requested: str | None, accept_language: str | None) -> str:
    """`?lang=` when it names a language of the page, else the first of the browser's
    Accept-Language (by q-value) that does, else Danish."""
    if requested and requested.lower() in LANGUAGES:
        return requested.lower()
    ranked = []
    for position, part in enumerate((accept_language or "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag.strip().lower().split("-")[0]))
    return next((tag for _, _, tag in sorted(ranked) if tag in LANGUAGES), DEFAULT_LANGUAGE)


class Formats:
    """Dates and times of one language in the organization's zone."""

    def __init__(self, lang: str, zone: str):
        self.lang, self.locale, self.zone = lang, Locale.parse(_LOCALES[lang]), ZoneInfo(zone)

    def local(self, instant: datetime) -> datetime:
        return instant.astimezone(self.zone)

    def day(self, value: date | datetime) -> str:
        """torsdag den 26. november / Thursday 26 November"""
        value = self.local(value) if isinstance(value, datetime) else value
        return format_date(value, _DAY_PATTERNS[self.lang], locale=self.locale)

    def full_date(self, value: date | datetime) -> str:
        value = self.local(value) if isinstance(value, datetime) else value
        return format_date(value, "full", locale=self.locale)

    def time(self, instant: datetime) -> str:
        return format_time(self.local(instant), "short", locale=self.locale)

    def zone_name(self, instant: datetime) -> str:
        """Central European Standard Time / Centraleuropæisk normaltid (summer time in summer)."""
        return get_timezone_name(self.local(instant), width="long", locale=self.locale)

    def zone_place(self) -> str:
        """Denmark Time / Danmark-tid."""
        return get_timezone_location(self.zone, locale=self.locale)


@functools.cache
def translations(lang: str) -> NullTranslations:
    if lang == "en":
        return NullTranslations()  # the templates are written in English
    return Translations.load(str(HERE / "locales"), [lang], domain="page")


@functools.cache
def environment(lang: str) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True,
                             extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env


def render(template: str, lang: str, context: Mapping[str, Any]) -> str:
    return environment(lang).get_template(template).render(lang=lang, **context)
