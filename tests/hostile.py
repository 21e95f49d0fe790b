"""Tools of the bad-input test (tests/test_bad_input.py): hostile values, a form scraper, a checksum of
every table, and the oracle that judges one POST.

The forms are not described by hand: each one is read from the page that renders it (its inputs, selects,
textareas, their options and initial values), so a field added to a form is attacked without any change
here. For each example, a few fields get hostile values and the others plausible ones (the page's own
values, tricky but valid text), so that some posts are valid and their data must round-trip.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from hypothesis import strategies as st

# ---- hostile and tricky values -----------------------------------------------------------------------

XSS = '<script>alert("xss")</script>'
XSS_IMG = '"><img src=x onerror=alert(1)>'
RAW_PAYLOADS = (XSS, "<img src=x onerror=alert(1)>")

TRICKY_TEXT = [
    XSS,
    XSS_IMG,
    "<b>gras</b> & « guillemets » l'apostrophe",
    "{{ 7|add:7 }} {% now 'Y' %} ${7*7} %s %(x)s {0}",
    "'; DROP TABLE sites_site; --",
    "Zoé Ünïcødé ñ ß İ ﬃ",
    "\u202eevil\u202c droite-à-gauche",
    "zéro\u200blargeur\u200d",
    "👍🏽 émoji 🇫🇷",
    "e\u0301 combinant",
    "\ufeffBOM en tête",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 mathématique",
    "ligne 1\r\nligne 2\nligne 3",
    "Texte ordinaire",
    "\x01\x07\x1b contrôle",
]
NUL_TEXT = ["\x00", "avant\x00après", "\x00" * 3]
DATE_HOSTILE = [
    "0001-01-01",
    "9999-12-31",
    "99999-12-31",
    "10000-01-01",
    "0000-00-00",
    "-0001-01-01",
    "2015-02-30",
    "2015-13-01",
    "2015-06-15T25:61",
    "31/12/99999",
    "00/00/0000",
    "1e10",
    "١٢/٠٦/٢٠١٥",
    "aujourd'hui",
]
MONTH_HOSTILE = ["0001-01", "9999-12", "99999-12", "2015-13", "2015-00", "13/2015", "-1-01", "2015-6-1-1"]
NUMBER_HOSTILE = [
    "-1",
    "-0",
    "2147483648",
    "-2147483649",
    "9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999999999999999",
    "1e400",
    "-1e400",
    "1e-400",
    "NaN",
    "Infinity",
    "-Infinity",
    "0x1A",
    "1_000",
    "1,5",
    "1.5",
    "12abc",
    "١٢",
    "²",
    " 12 ",
    "1" * 400,
]
ID_HOSTILE = [
    "0",
    "-1",
    "999999999",
    "2147483648",
    "9223372036854775808",
    "99999999999999999999999",
    "1.5",
    "1e3",
    "abc",
    "²",
    "١",
    "1\x00",
    XSS,
]


def _clean_text(max_size):
    """Any text a browser can send (no lone surrogates), NUL excepted: those go to the hostile side."""
    return st.text(
        alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=max_size
    )


def tricky_text(maxlength: int | None):
    """Plausible text that must be accepted, stored as is and escaped when shown."""
    limit = maxlength or 4000
    # a short field (a postal code) gets the tricky texts cut to its length
    fixed = st.sampled_from([t for t in TRICKY_TEXT if len(t) <= limit] or [t[:limit] for t in TRICKY_TEXT])
    return st.one_of(fixed, fixed, _clean_text(min(limit, 60)))


def hostile_text(maxlength: int | None):
    over = (maxlength or 0) + 1
    lengths = sorted({over, 300, 5_000, 100_001} - {1})
    return st.one_of(
        st.sampled_from(NUL_TEXT),
        st.sampled_from(lengths).map(lambda n: ("é<" * n)[:n]),
        st.sampled_from(TRICKY_TEXT),
        st.just(""),
        st.just("   \t  "),
    )


ABSENT = object()  # the field is left out of the POST

# ---- scraping the form from its page -----------------------------------------------------------------

TEXT_KINDS = {"text", "textarea", "search", "email", "tel", "password", "url"}


@dataclass
class Field:
    name: str
    kind: str  # text kinds, number, date, month, time, datetime-local, select, radio, checkbox, hidden, file,
    # button
    options: list[str] = field(default_factory=list)
    initial: list[str] = field(default_factory=list)
    multiple: bool = False
    maxlength: int | None = None
    disabled: bool = False


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = self._select = self._textarea = self._option = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {
                "action": a.get("action"),
                "method": (a.get("method") or "get").lower(),
                "items": [],
            }
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        if tag == "input":
            self._form["items"].append({"tag": "input", **a})
        elif tag == "button" and (a.get("name") or a.get("formaction")):
            self._form["items"].append({"tag": "input", **a, "type": "submit"})
        elif tag == "textarea":
            self._textarea = {"tag": "textarea", **a, "text": ""}
            self._form["items"].append(self._textarea)
        elif tag == "select":
            self._select = {"tag": "select", **a, "options": [], "selected": []}
            self._form["items"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"] += data
        if self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "option" and self._option is not None and self._select is not None:
            value = self._option["value"]
            value = self._option["text"].strip() if value is None else value
            self._select["options"].append(value)
            if self._option["selected"]:
                self._select["selected"].append(value)
            self._option = None


def scrape_form(html: str, page_url: str, target_path: str) -> list[Field]:
    """The fields of every POST form of the page whose action is `target_path` (merged by name)."""
    parser = _FormParser()
    parser.feed(html)
    fields: dict[str, Field] = {}
    found = False
    for form in parser.forms:
        actions = [form["action"] or page_url] + [
            i["formaction"] for i in form["items"] if i.get("formaction")
        ]
        paths = {urlsplit(urljoin(page_url, a)).path for a in actions}
        if form["method"] != "post" or target_path not in paths:
            continue
        found = True
        for item in form["items"]:
            name = item.get("name")
            if not name or name == "csrfmiddlewaretoken":
                continue
            if item["tag"] == "textarea":
                kind, value = "textarea", item["text"].lstrip("\n")
            elif item["tag"] == "select":
                kind, value = "select", None
            else:
                kind, value = (item.get("type") or "text").lower(), item.get("value")
                if kind in ("submit", "image", "reset", "button"):
                    kind = "button"
            f = fields.setdefault(name, Field(name, kind))
            f.disabled = f.disabled or "disabled" in item
            if item.get("maxlength", "").isdigit():
                f.maxlength = int(item["maxlength"])
            if item["tag"] == "select":
                f.multiple = "multiple" in item
                f.options += [o for o in item["options"] if o not in f.options]
                f.initial += item["selected"]
            elif kind in ("checkbox", "radio", "hidden", "button"):
                value = "on" if value is None and kind == "checkbox" else (value or "")
                if value not in f.options:
                    f.options.append(value)
                checked = kind in ("checkbox", "radio") and "checked" in item
                if checked or (kind in ("hidden", "button") and not f.initial):
                    f.initial.append(value)
            elif value:
                f.initial.append(value)
            if kind == "checkbox" and len(f.options) > 1:
                f.multiple = True
    if not found:
        raise AssertionError(
            f"No POST form to {target_path} on {page_url}: the endpoint list is out of date."
        )
    return list(fields.values())


# ---- drawing a payload ---------------------------------------------------------------------------------


def benign_value(f: Field, *, today: dt.date):
    """A plausible value: the page's own, one of its options, or tricky but valid text."""
    initial = f.initial[0] if f.initial else ""
    if f.kind in TEXT_KINDS:
        if f.kind == "email":
            return st.sampled_from([initial or "usager@example.org", "zoé.ünï@exemple.fr"])
        if f.kind == "url":
            return st.sampled_from([initial or "https://example.org/", "https://exemple.fr/a?b=<c>"])
        return st.one_of(st.just(initial), tricky_text(f.maxlength)) if initial else tricky_text(f.maxlength)
    if f.kind == "number":
        return st.sampled_from([v for v in [initial, "0", "1", "12", "50", "100", str(today.year)] if v])
    if f.kind == "date":
        recent = (today - dt.timedelta(days=10)).isoformat()
        return st.sampled_from(
            [v for v in [initial, recent, (today - dt.timedelta(days=2)).strftime("%d/%m/%Y")] if v]
        )
    if f.kind == "month":
        return st.sampled_from(
            [v for v in [initial, (today.replace(day=1) - dt.timedelta(days=40)).strftime("%Y-%m")] if v]
        )
    if f.kind == "time":
        return st.sampled_from([initial or "09:30", "14:00"])
    if f.kind == "datetime-local":
        return st.just(initial or f"{today.isoformat()}T09:30")
    if f.kind in ("select", "radio"):
        choices = [o for o in f.options if o] or [""]
        if f.multiple:
            return st.one_of(
                st.just(list(f.initial)), st.lists(st.sampled_from(choices), max_size=3, unique=True)
            )
        return st.sampled_from(list(dict.fromkeys(f.initial + choices)))
    if f.kind == "checkbox":
        if f.multiple:
            return st.one_of(
                st.just(list(f.initial)), st.lists(st.sampled_from(f.options), max_size=3, unique=True)
            )
        return st.sampled_from([f.options[0], ABSENT])
    if f.kind in ("hidden", "button"):
        if f.kind == "button":
            return st.sampled_from([ABSENT, *f.options])
        return st.sampled_from(f.options) if len(f.options) > 1 else st.just(initial)
    if f.kind == "file":
        return st.just(ABSENT)
    return st.just(initial)


def hostile_value(f: Field):
    """A value meant to be refused (or at least not to break anything)."""
    common = [
        hostile_text(f.maxlength),
        st.just(ABSENT),
        st.lists(st.sampled_from(["1", "2", XSS, "\x00"]), min_size=2, max_size=3),  # wrong type: a list
    ]
    if f.kind == "number":
        common.append(st.sampled_from(NUMBER_HOSTILE))
    elif f.kind in ("date", "datetime-local"):
        common.append(st.sampled_from(DATE_HOSTILE))
    elif f.kind == "month":
        common.append(st.sampled_from(MONTH_HOSTILE + DATE_HOSTILE))
    elif f.kind in ("select", "radio", "checkbox", "hidden"):
        common.append(st.sampled_from(ID_HOSTILE + NUMBER_HOSTILE))
        common.append(st.integers(min_value=1, max_value=400).map(str))  # ids of other rows (any table)
    return st.one_of(*common)


def draw_payload(data, fields: list[Field], *, today, fixed=None, file_strategies=None):
    """(POST data, names of the fields given hostile values)."""
    fixed = fixed or {}
    names = [f.name for f in fields if f.name not in fixed]
    hostile = data.draw(
        st.one_of(
            st.just(set()),
            st.sets(st.sampled_from(names), min_size=1, max_size=min(3, len(names)))
            if names
            else st.just(set()),
            st.just(set(names)),
        ),
        label="hostile fields",
    )
    payload = {}
    for f in fields:
        if f.name in fixed:
            value = fixed[f.name]
        elif f.kind == "file" and file_strategies and f.name in file_strategies:
            value = data.draw(file_strategies[f.name], label=f.name)
        elif f.name in hostile:
            value = data.draw(hostile_value(f), label=f.name)
        else:
            value = data.draw(benign_value(f, today=today), label=f.name)
        if value is not ABSENT:
            payload[f.name] = value
    return payload, hostile


# ---- files ---------------------------------------------------------------------------------------------

FILE_NAMES = [
    "fichier.xlsx",
    "rapport.pdf",
    "../../../etc/passwd",
    "..\\..\\win.ini",
    f"{XSS}.pdf",
    "évaluation 2015 « finale ».xlsx",
    ("très long nom " * 40) + ".pdf",
    "sans-extension",
    ".xlsx",
    "programme.exe",
    "note.txt",
]


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def garbage_file():
    contents = st.one_of(
        st.binary(max_size=2048),
        st.just(b""),
        st.just(b"%PDF-1.4\n" + b"\x00" * 100),  # a PDF header and nothing else
        st.just(b"PK\x03\x04" + b"\xff" * 200),  # a truncated zip
        st.just(_zip_bytes({"[Content_Types].xml": b"<?xml version='1.0'?><Types/>"})),  # a zip, no workbook
        st.just(b"texte\x00avec NUL"),
        st.just("é,à;\n<script>alert(1)</script>".encode("latin-1", "replace")),
    )
    return st.builds(
        lambda name, content: SimpleUploadedFile(name, content), st.sampled_from(FILE_NAMES), contents
    )


CELL_HOSTILE = [
    "",
    " ",
    XSS,
    '=HYPERLINK("http://evil";"x")',
    "=1/0",
    "_x0000_",
    "inconnu",
    "é" * 5000,
    -1,
    0,
    2**31,
    2**63,
    10**30,
    -(10**30),
    1e308,
    -1e308,
    1.5,
    True,
    dt.datetime(1, 1, 1),
    dt.datetime(9999, 12, 31, 23, 59),
    dt.date(1900, 1, 1),
    dt.time(25 % 24, 0),
]


def _cell_strategy():
    return st.one_of(
        st.sampled_from(CELL_HOSTILE),
        tricky_text(200).map(lambda s: "".join(c for c in s if c >= " " or c in "\n\t")),
    )


def workbook_file(headers: list[str], example: list):
    """A workbook with the template's headers (sometimes one missing) and rows mixing the template's
    example values with hostile cells."""
    from openpyxl import Workbook

    def build(drop, rows, name):
        wb = Workbook()
        ws = wb.active
        kept = [h for i, h in enumerate(headers) if i != drop]
        ws.append(kept)
        for row in rows:
            ws.append([row[i] for i, h in enumerate(headers) if i != drop])
        buffer = io.BytesIO()
        wb.save(buffer)
        return SimpleUploadedFile(name, buffer.getvalue())

    row = st.tuples(*[st.one_of(st.just(v), st.just(v), _cell_strategy()) for v in example])
    return st.builds(
        build,
        st.one_of(st.just(-1), st.just(-1), st.integers(min_value=0, max_value=len(headers) - 1)),
        st.lists(row, min_size=0, max_size=3),
        st.sampled_from(["import.xlsx", "import.XLSX", "import.xls", f"{XSS}.xlsx"]),
    )


# ---- the database, before and after ------------------------------------------------------------------

# Rows that change on every request whatever the input (sessions), or by design on a failed login.
IGNORED_TABLES = ("django_session", "axes_")


def _tables() -> list[str]:
    """The tables compared (read from the catalogue once per database: the suite makes no table)."""
    name = connection.settings_dict["NAME"]
    if name not in _TABLES:
        _TABLES[name] = [
            t for t in connection.introspection.table_names() if not t.startswith(IGNORED_TABLES)
        ]
    return _TABLES[name]


_TABLES: dict[str, list[str]] = {}


def checksums_of(tables) -> dict[str, str]:
    """md5 of each table's rows: one query on PostgreSQL; elsewhere (SQLite) the rows are hashed here."""
    if connection.vendor == "postgresql":
        return _pg_checksums(tables)
    sums = {}
    with connection.cursor() as cursor:
        for t in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(t)}")
            rows = sorted(repr(row) for row in cursor.fetchall())
            sums[t] = hashlib.md5("|".join(rows).encode()).hexdigest()
    return sums


def table_checksums() -> dict[str, str]:
    """md5 of every table's rows."""
    return checksums_of(_tables())


# PostgreSQL: a table's checksum is kept with the number of rows this transaction had written to it then
# (`pg_stat_xact_user_tables`: inserted + updated + deleted, aborted savepoints included, so the count only
# grows). A table whose count has not moved since has not changed, and is not read again: a POST that
# writes two tables re-reads those two, not the ~130 of the demo (tenths of a second per request saved
# over the thousands of requests of the bad-input tests). Kept for the current transaction only. A rollback
# to a savepoint brings back older rows without moving the counts: `savepoint()` / `rollback()` below
# forget the tables written since the savepoint.
_pg_cache: dict = {"xact": None, "sums": {}}


def _pg_writes(cursor) -> dict[str, int]:
    cursor.execute(
        "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables "
        "WHERE schemaname = current_schema()"
    )
    return dict(cursor.fetchall())


def savepoint():
    """A savepoint, with the write counts at that moment (see `rollback`)."""
    writes = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            writes = _pg_writes(cursor)
    return transaction.savepoint(), writes


def rollback(point) -> None:
    """Back to the savepoint; the checksums of the tables written since are forgotten."""
    point_id, writes = point
    transaction.savepoint_rollback(point_id)
    if writes is not None:
        with connection.cursor() as cursor:
            now = _pg_writes(cursor)
        for table in [t for t, count in now.items() if count != writes.get(t, 0)]:
            _pg_cache["sums"].pop(table, None)


def _pg_checksums(tables) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT txid_current()")
        xact = cursor.fetchone()[0]
        writes = _pg_writes(cursor)
        if _pg_cache["xact"] != xact:
            _pg_cache.update(xact=xact, sums={})
        cached = _pg_cache["sums"]
        stale = [t for t in tables if t not in cached or cached[t][0] != writes.get(t, 0)]
        if stale:
            cursor.execute(
                " UNION ALL ".join(
                    f"SELECT '{t}', md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) "
                    f'FROM "{t}" x'
                    for t in stale
                )
            )
            for t, checksum in cursor.fetchall():
                cached[t] = (writes.get(t, 0), checksum)
    return {t: cached[t][1] for t in tables}


def table_rows(tables) -> dict[str, set[str]]:
    rows = {}
    with connection.cursor() as cursor:
        for t in tables:
            if connection.vendor == "postgresql":
                cursor.execute(f'SELECT to_jsonb(x)::text FROM "{t}" x')
                rows[t] = {r[0] for r in cursor.fetchall()}
            else:
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(t)}")
                names = [c[0] for c in cursor.description]
                rows[t] = {
                    json.dumps(dict(zip(names, r, strict=True)), default=str) for r in cursor.fetchall()
                }
    return rows


def strings_in(json_rows) -> set[str]:
    found = set()
    for text in json_rows:
        for value in json.loads(text).values():
            if isinstance(value, str):
                found.add(value)
    return found


@contextmanager
def rolled_back():
    """Everything an example writes is undone, so that examples do not see each other."""
    point = savepoint()
    try:
        yield
    finally:
        rollback(point)


# ---- judging a response --------------------------------------------------------------------------------

ENGLISH = (
    "This field is required",
    "Enter a valid",
    "Select a valid choice",
    "Ensure this value",
    "Ensure that there are no more",
    "Null characters are not allowed",
    "The submitted file is empty",
    "No file was submitted",
    "Upload a valid",
    "already exists",
    "is not a valid",
    "Invalid",
)
ERROR_MARKERS = (
    "is-invalid",
    "invalid-feedback",
    "errorlist",
    "alert-danger",
    "alert-warning",
    "text-danger",
)


def response_messages(response):
    return [(m.level, str(m)) for m in get_messages(response.wsgi_request)]


def assert_safe_html(response, where):
    content_type = response.get("Content-Type", "")
    if "html" not in content_type:
        return ""
    html = response.content.decode()
    for payload in RAW_PAYLOADS:
        assert payload not in html, f"{where}: unescaped HTML/JS in the page ({payload!r})"
    return html


def assert_french(text, where):
    for phrase in ENGLISH:
        assert phrase not in text, f"{where}: English error message ({phrase!r})"


@dataclass
class Outcome:
    changed: bool
    status: int
    messages: list
    new_strings: set[str]


def post_and_judge(
    client,
    url,
    payload,
    *,
    success_status=(302, 303),
    refused_status=(200, 400, 413, 429),
    headers=None,
    follow_check=True,
) -> Outcome:
    """POST, then check: no exception (the test client re-raises it), nothing changed unless the answer
    is a success, a refused post shows why (in French), and no page shows the posted HTML unescaped."""
    client.cookies.pop("messages", None)
    # A browser always sends the CSRF token, so request.POST is never empty (the test client skips the check).
    payload = {"csrfmiddlewaretoken": "x" * 64, **payload}
    outbox = len(mail.outbox)
    before = table_checksums()
    point = savepoint()
    response = client.post(url, payload, **(headers or {}))
    after = table_checksums()
    changed_tables = [t for t in after if after[t] != before.get(t)]
    messages = response_messages(response) if hasattr(response, "wsgi_request") else []
    html = assert_safe_html(response, f"POST {url}")
    text = html + " ".join(m for _, m in messages)
    assert_french(text, f"POST {url}")
    assert response.status_code < 500, f"POST {url}: {response.status_code}"
    new_strings: set[str] = set()
    if changed_tables:
        assert response.status_code in success_status, (
            f"POST {url} changed {changed_tables} but answered {response.status_code}"
        )
        errors = [m for level, m in messages if level >= message_levels.ERROR]
        assert not errors, f"POST {url} changed {changed_tables} yet says: {errors}"
        if follow_check and response.status_code in (301, 302, 303):
            location = response["Location"]
            if location.startswith("/"):
                page = client.get(location)
                assert page.status_code < 500
                assert_safe_html(page, f"GET {location} after POST {url}")
        after_rows = table_rows(changed_tables)
        rollback(point)
        before_rows = table_rows(changed_tables)
        for t in changed_tables:
            new_strings |= strings_in(after_rows[t] - before_rows[t])
    else:
        rollback(point)
        assert len(mail.outbox) == outbox, f"POST {url} refused but sent mail"
        if response.status_code in (301, 302, 303):
            # A refused post that redirects must say why; a valid one that changed nothing says so.
            assert messages, f"POST {url}: nothing changed, redirected without a message"
        else:
            assert response.status_code in refused_status + (403, 404, 405), (
                f"POST {url}: nothing changed, answered {response.status_code}"
            )
            if response.status_code in refused_status and "html" in response.get("Content-Type", ""):
                assert any(m in html for m in ERROR_MARKERS) or messages, (
                    f"POST {url}: nothing changed and the page shows no error"
                )
    return Outcome(bool(changed_tables), response.status_code, messages, new_strings)
