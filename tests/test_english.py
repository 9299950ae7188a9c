"""Every page in English: no Danish text from the catalogue is left on it.

The check: every msgid of ``locale/en`` that has an English translation different from itself is a
Danish text the product knows how to say in English. Rendered with English selected (the language
cookie, as the switcher sets it), a page must not contain any of them: not as a text node or
attribute (texts of one or two words, give or take punctuation), not inside longer text (three
words or more), and not as a sentence with its placeholders filled in (``%(n)s``, ``{{ n }}``).
Danish data shown on purpose (the stored explanations of the data-subject report, a stored
forecast's assumptions) sits in elements marked ``lang="da"``, and identifiers (usernames) in
``translate="no"``; both are skipped.

Pages are found from the URL configuration (every GET page without arguments, or with a citizen,
booking or forecast id), so new pages are checked without listing them here.
"""

import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]
SKIP_PREFIXES = ("/admin/", "/api/", "/logout/", "/i18n/", "/healthz", "/static/")
_PLACEHOLDER = re.compile(r"%\([^)]*\)[sdf]|%[sdf]|\{\{[^}]*\}\}|\{[a-z_]*\}")


def translated_msgids() -> dict[str, str]:
    with (ROOT / "locale/en/LC_MESSAGES/django.mo").open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)._catalog
    found = {}
    for msgid, msgstr in catalogue.items():
        if isinstance(msgid, tuple):  # (plural msgid, n): the singular is enough
            msgid = msgid[0]
        msgid = msgid.split("\x04")[-1].replace("%%", "%")  # drop a context; %% is a literal %
        if msgid and msgstr and msgstr != msgid:
            found[msgid] = msgstr
    return found


class Probe:
    """How one msgid is looked for in a page's text."""

    def __init__(self, msgid: str):
        self.msgid = msgid
        pieces = [re.sub(r"\s+", " ", p) for p in _PLACEHOLDER.split(msgid)]
        literal = "".join(pieces).strip()
        self.templated = len(pieces) > 1
        self.words = len(literal.split())
        if self.templated:
            # Placeholders filled in: any text in their place. Short skeletons ("%(n)s af %(of)s")
            # would match Danish data such as legal references, so they are tested by name.
            pieces[0], pieces[-1] = pieces[0].lstrip(), pieces[-1].rstrip()
            pattern = r"[^\n]{1,80}?".join(re.escape(p) for p in pieces)
            pattern = pattern.removeprefix(r"[^\n]{1,80}?").removesuffix(r"[^\n]{1,80}?")
            self.regex = re.compile(pattern) if len(literal) >= 10 and self.words >= 2 else None
        else:
            self.regex = re.compile(r"(?<!\w)" + re.escape(" ".join(msgid.split())) + r"(?!\w)")
            # Short texts stand alone (a heading, a label, a cell), give or take punctuation.
            self.alone = re.compile(r"^[\W\d]*" + re.escape(" ".join(msgid.split())) + r"[\W\d]*$")

    def found_in(self, segments: list[str], text: str) -> bool:
        if self.templated:
            return self.regex is not None and self.regex.search(text) is not None
        if self.words >= 3:  # a phrase: anywhere, also inside longer text
            return self.regex.search(text) is not None
        # One or two words may also begin a Danish name in the data ("Lokalt serviceniveau efter
        # de første 6 måneder" is an initiative's title), so they count when they stand alone.
        return any(self.alone.match(segment) for segment in segments)


class TextCollector(HTMLParser):
    """Visible text segments and accessible attribute texts, outside lang="da", translate="no" and
    scripts."""

    ATTRIBUTES = ("aria-label", "title", "placeholder", "alt")
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.segments: list[str] = []

    def _skipping(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        skip = (
            tag in ("script", "style", "template")
            or (attrs.get("lang") or "").startswith("da")
            or attrs.get("translate") == "no"  # identifiers such as usernames
        )
        if not skip and not self._skipping():
            for name in self.ATTRIBUTES:
                if attrs.get(name):
                    self.segments.append(" ".join(attrs[name].split()))
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.segments.append(attrs["value"].strip())
        if tag not in self.VOID:
            self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._skipping():
            self.segments.append(text)


def danish_left(html: str, probes: list[Probe]) -> list[str]:
    collector = TextCollector()
    collector.feed(html)
    segments = collector.segments
    text = "\n".join(segments)
    return sorted({p.msgid for p in probes if p.found_in(segments, text)})


def pages(ids: dict[str, int]) -> list[str]:
    """Every GET page of the URL configuration that needs no argument or a known id."""
    out = []

    def walk(patterns, prefix=""):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern):
                path = "/" + route.replace("^", "").replace("$", "")
                names = re.findall(r"<(?:int:)?([a-z_]+)>", path)
                skipped = any(path.startswith(p) for p in SKIP_PREFIXES)
                if skipped or "<str:" in path or "(?P" in path:
                    continue
                if names and (len(names) != 1 or entry.name not in ids):
                    continue
                out.append(re.sub(r"<(?:int:)?[a-z_]+>", str(ids.get(entry.name, "")), path))

    walk(get_resolver().url_patterns)
    return sorted(set(out))


def test_the_check_finds_danish_left_untranslated():
    probes = [Probe(m) for m in translated_msgids()]
    with translation.override("da"):
        from django.template import Context, Template

        danish = Template(
            '{% load i18n %}<h1>{% translate "Arbejdsliste" %}</h1><p>{% translate "Opret borger" %}</p>'
        ).render(Context())
    assert "Arbejdsliste" in danish_left(danish, probes)
    assert "Opret borger" in danish_left(danish, probes)
    assert danish_left('<p lang="da">Opret borger</p>', probes) == []  # marked Danish data
    with translation.override("en"):
        english = Template('{% load i18n %}<h1>{% translate "Arbejdsliste" %}</h1>').render(Context())
    assert danish_left(english, probes) == []
    # A sentence with its placeholders filled in is found too.
    sentence = "Næste krav: %(label)s senest %(due)s."
    assert translated_msgids().get(sentence)
    assert sentence in danish_left("<p>Næste krav: Jobsamtale 1 af 2 senest 01.02.2026.</p>", probes)


@pytest.fixture
def demo(db):
    call_command("seed_demo", citizens=120, seed=5, verbosity=0)  # enough for every persona on any day
    from citizens.models import Citizen

    citizen = Citizen.objects.filter(next_status__in=["overdue", "due_soon", "open"]).order_by("pk").first()
    return citizen


def ids_for(citizen) -> dict[str, int]:
    names = ("detail", "indsigt", "transfer", "exempt", "assign", "edit", "contact")
    ids = {name: citizen.pk for name in names}
    try:
        from planning.models import Booking

        booking = Booking.objects.order_by("pk").first()
        if booking is not None:
            ids.update({"booking": booking.pk})
        ids["book"] = citizen.pk
    except ImportError:
        pass
    return ids


@pytest.mark.parametrize("username", ["admin", "teamleder", "sagsbehandler"])
def test_every_page_in_english_has_no_danish_from_the_catalogue(client, demo, username):
    from django.contrib.auth import get_user_model

    from citizens.selectors import citizen_list_for

    probes = [Probe(m) for m in translated_msgids()]
    assert len(probes) > 300
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    citizen = citizen_list_for(user).exclude(next_status="").order_by("pk").first()
    checked, problems = [], {}
    for path in pages(ids_for(citizen)):
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if '<html lang="da"' in html:  # a letter to a Danish citizen is Danish on purpose
            assert "indkaldelse" in path, path
            continue
        assert '<html lang="en"' in html, path
        checked.append(path)
        left = danish_left(html, probes)
        if left:
            problems[path] = left
    assert len(checked) >= (12 if username == "admin" else 8), checked
    assert problems == {}, "\n".join(f"{path}: {left}" for path, left in problems.items())


def test_login_page_in_english(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/login/").content.decode()
    assert danish_left(html, [Probe(m) for m in translated_msgids()]) == []


def test_engine_explanations_and_labels_in_english(client, demo):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="admin"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    detail = client.get(f"/borgere/{demo.pk}/").content.decode()
    assert " must be held by " in detail or " must take place by " in detail
    worklist = client.get("/borgere/?scope=team").content.decode()
    assert re.search(r"(Job interview|Follow-up interview|Contact) \d+ of \d+", worklist)
    assert not re.search(r"(Jobsamtale|Opfølgningssamtale|Kontakt) \d+ af \d+", worklist)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "da"
    danish = client.get(f"/borgere/{demo.pk}/").content.decode()
    assert " skal holdes senest " in danish or " skal ske senest " in danish


def test_cpr_and_service_messages_in_english(db):
    from django.core.exceptions import ValidationError

    from citizens.cpr import CprError, parse_cpr
    from citizens.services import check_start

    with translation.override("en"):
        with pytest.raises(CprError, match="10 digits"):
            parse_cpr("12")
        with pytest.raises(ValidationError, match="start date"):
            from datetime import date

            check_start(date(1990, 1, 1))
    with translation.override("da"), pytest.raises(CprError, match="10 cifre"):
        parse_cpr("12")
