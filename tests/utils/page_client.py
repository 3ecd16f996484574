"""A customer on the booking page over plain HTTP (no browser): follows its forms as a browser
without JavaScript would, keeping the session cookie."""

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx

DEMO_PORTAL = "67936f11-c7ae-545f-8ea1-da32c5e2ff21"  # shared/demo: the MitID portal


@dataclass
class Form:
    action: str
    fields: dict[str, str]
    buttons: list[tuple[str, str]]  # (name, value) of each submit button with a name
    target: str | None = None


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "form":
            self.forms.append(Form(values.get("action") or "", {}, [], values.get("target")))
        elif self.forms and tag == "input" and values.get("name"):
            if values.get("type") in ("checkbox",) and "checked" not in values:
                return
            self.forms[-1].fields[values["name"]] = values.get("value") or ""
        elif self.forms and tag == "button" and values.get("name"):
            self.forms[-1].buttons.append((values["name"], values.get("value") or ""))


def forms(page: str) -> list[Form]:
    parser = _Forms()
    parser.feed(page)
    return parser.forms


def form_with(page: str, action_ending: str) -> Form:
    return next(f for f in forms(page) if f.action.split("?")[0].endswith(action_ending))


def heading(page: str) -> str:
    found = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip() if found else ""


def links(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'<a [^>]*href="([^"]+)"', page)]


class Customer:
    """One browser: a cookie jar, and the page it is on."""

    def __init__(self, base_url: str, lang: str = "en", forwarded_for: str | None = None):
        headers = {"Accept-Language": "en-GB,en;q=0.9" if lang == "en" else "da-DK,da;q=0.9"}
        if forwarded_for:
            headers["X-Forwarded-For"] = forwarded_for
        self.origin = f"{urlsplit(base_url).scheme}://{urlsplit(base_url).netloc}"
        self.client = httpx.Client(base_url=self.origin, headers=headers, timeout=30, follow_redirects=False)
        self.base = base_url.rstrip("/")  # http://host/api
        self.response: httpx.Response | None = None
        self.url = ""

    @property
    def page(self) -> str:
        return self.response.text if self.response is not None else ""

    def get(self, url: str) -> httpx.Response:
        self.url = urljoin(self.origin + "/", url)
        self.response = self.client.get(self.url)
        return self._follow()

    def submit(self, form: Form, button: tuple[str, str] | None = None, **values: str) -> httpx.Response:
        data = {**form.fields, **values}
        if button:
            data[button[0]] = button[1]
        self.url = urljoin(self.url, form.action)
        self.response = self.client.post(self.url, data=data)
        return self._follow()

    def _follow(self) -> httpx.Response:
        while self.response.status_code in (302, 303):
            self.url = urljoin(self.url, self.response.headers["Location"])
            self.response = self.client.get(self.url)
        return self.response

    def open(self, portal_id: str = DEMO_PORTAL, query: str = "") -> httpx.Response:
        return self.get(f"{self.base}/book/{portal_id}{query}")

    def slots(self) -> list[str]:
        return [value for _, value in form_with(self.page, "/hold").buttons]

    def hold(self, slot: str | None = None) -> httpx.Response:
        form = form_with(self.page, "/hold")
        return self.submit(form, ("slot", slot or form.buttons[0][1]))

    def sign_in(self, username: str = "anna.jensen", cpr: str = "010190-1234") -> httpx.Response:
        """Through the OpenID Connect stand-in's own sign-in form."""
        self.submit(form_with(self.page, "/signin"))
        stand_in = forms(self.page)[0]
        return self.submit(stand_in, username=username, cpr=cpr)

    def confirm(self, **values: str) -> httpx.Response:
        return self.submit(form_with(self.page, "/confirm"), **values)

    def close(self) -> None:
        self.client.close()
