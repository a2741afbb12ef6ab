"""Every download the app serves, found from the URL map with the route × role test's seeded
ids (any GET route whose answer is a file rather than a page, JSON or a static asset): each is
an attachment with a file name, the content type its name says, nosniff, and personal data is
never stored by a cache (no-store). The contest emblem alone is an image shown inline."""

import re

from tests.web.test_who_may_do_what import PEOPLE, path_of, site  # noqa: F401 (a fixture)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TYPES = {".xlsx": XLSX, ".csv": "text/csv", ".json": "application/json", ".zip": "application/zip"}
INLINE = {"contests_public.emblem"}
# Files that hold people's names, phones, scores or actions: never kept by a browser or proxy.
PERSONAL = {
    "judge.export",
    "focal.export",
    "privacy.export",
    "audit.export",
    "jobs.download",
}
# What must be found, so that a seeding slip cannot make the test pass on fewer files.
EXPECTED = {
    "bank.export",
    "bank.template_workbook",
    "bank.error_workbook",
    "eligibility.template_workbook",
    "judge.export",
    "focal.export",
    "privacy.export",
    "audit.export",
    "contests_public.emblem",
}
NOT_FILES = ("text/html", "application/json", "text/css", "text/javascript")
FILENAME = re.compile(r"""^attachment; filename\*?=(?:UTF-8'')?"?([^";]+)"?""")


def downloads(app, values, clients):
    """(endpoint, who, response) of every GET route answering a file, asked by the first kind
    of person (organizer first) allowed to get it."""
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        path = path_of(rule, values)
        for who in ("organizer", "judge", "focal", "owner", "anonymous"):
            response = clients[who].get(path)
            kind = response.headers.get("Content-Type", "")
            if response.status_code == 200 and not kind.startswith(NOT_FILES):
                found.append((rule.endpoint, who, response))
                break
            response.close()
    return found


def test_every_download_is_an_attachment_of_the_right_type_never_cached(app, site):  # noqa: F811
    values, clients = site
    assert set(clients) == set(PEOPLE)
    found = downloads(app, values, clients)
    endpoints = {endpoint for endpoint, _who, _response in found}
    assert endpoints >= EXPECTED, EXPECTED - endpoints
    wrong = []
    for endpoint, who, response in found:
        headers = response.headers
        if headers.get("X-Content-Type-Options") != "nosniff":
            wrong.append((endpoint, "no nosniff"))
        if endpoint in INLINE:
            if not headers["Content-Type"].startswith("image/"):
                wrong.append((endpoint, headers["Content-Type"]))
            if "attachment" in headers.get("Content-Disposition", ""):
                wrong.append((endpoint, "the emblem is shown, not downloaded"))
            continue
        disposition = headers.get("Content-Disposition", "")
        named = FILENAME.match(disposition)
        if named is None:
            wrong.append((endpoint, f"Content-Disposition {disposition!r}"))
            continue
        extension = "." + named.group(1).rsplit(".", 1)[-1].lower()
        expected_type = TYPES.get(extension)
        if expected_type is None or not headers["Content-Type"].startswith(expected_type):
            wrong.append((endpoint, named.group(1), headers["Content-Type"]))
        if expected_type == XLSX and not response.data.startswith(b"PK\x03\x04"):
            wrong.append((endpoint, "not a zip container: not an .xlsx"))
        cache = headers.get("Cache-Control", "")
        if endpoint in PERSONAL and "no-store" not in cache:
            wrong.append((endpoint, who, f"Cache-Control {cache!r}"))
        response.close()
    assert wrong == [], "\n".join(map(str, wrong))


def test_personal_downloads_are_no_store_for_every_role_allowed(app, site):  # noqa: F811
    values, clients = site
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in PERSONAL:
            continue
        for who in PEOPLE:
            response = clients[who].get(path_of(rule, values))
            if response.status_code == 200:
                assert "no-store" in response.headers.get("Cache-Control", ""), (rule, who)
            response.close()
