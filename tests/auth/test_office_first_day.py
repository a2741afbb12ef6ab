"""An office's first day, behind the nginx of docs/deployment.md, with the limits on.

nginx talks to the app from 127.0.0.1, sends the browser's address in X-Forwarded-For (appended
to whatever the browser sent, as `$proxy_add_x_forwarded_for` does) and `https` in
X-Forwarded-Proto; the app trusts one hop (TRUSTED_PROXY_HOPS=1). A whole office comes from one
public address. The throttles must stop password guessing and never the office.

Each app counts in its own `memory://` storage under a clock that starts with a day (see
test_rate_limits.MemoryClock), so the windows of every limit start with the test and no Redis
is needed; test_rate_limits shows the same counts shared through Redis. Every figure comes from
contest/auth/throttles.py.
"""

import pytest
from sqlalchemy import func, insert, select
from werkzeug.security import generate_password_hash

from contest.auth import accounts, throttles
from contest.extensions import db
from contest.models import User
from tests.auth.test_auth import VALID
from tests.auth.test_rate_limits import MEMORY, limited_app, memory_clock  # noqa: F401
from tests.factories import PASSWORD, csrf_token, make_agency, make_user

NGINX = "127.0.0.1"
OFFICE = "203.0.113.10"  # the office's public address (TEST-NET-3)
WRONG = "Email/số điện thoại hoặc mật khẩu không đúng."
ACCOUNT_LOCKED = "Tài khoản này đã có nhiều lần nhập sai mật khẩu"
NETWORK_LOCKED = "Có nhiều lần đăng nhập không thành công từ cùng một mạng."
# A quick hash for tests that log in by the hundred: the check is the same function, and the
# slow scrypt of real accounts is what the first test uses.
QUICK_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")


@pytest.fixture
def office(app, memory_clock):  # noqa: F811
    """The app behind nginx, limits on; `office(hops=0)` for an app that trusts no proxy."""
    made = []

    def make(hops=1):
        made.append(limited_app(app, MEMORY, TRUSTED_PROXY_HOPS=hops))
        return made[-1]

    yield make
    for host in made:
        with host.app_context():
            db.engine.dispose()


def browser(host, address=OFFICE, sent_by_browser=None):
    """A browser at `address`, through nginx. `sent_by_browser` is an X-Forwarded-For the
    browser itself sent: nginx keeps it and appends the address it saw."""
    forwarded = f"{sent_by_browser}, {address}" if sent_by_browser else address
    client = host.test_client()
    client.environ_base.update(
        REMOTE_ADDR=NGINX,
        HTTP_X_FORWARDED_FOR=forwarded,
        HTTP_X_FORWARDED_PROTO="https",
        # Over HTTPS Flask-WTF checks that a form's Referer is this site, as browsers send it.
        HTTP_REFERER="https://localhost/",
    )
    return client


def log_in(client, identifier, password=PASSWORD, token=None):
    token = token or csrf_token(client, "/dang-nhap")
    return client.post(
        "/dang-nhap", data={"identifier": identifier, "password": password, "csrf_token": token}
    )


def register(client, token=None, **fields):
    token = token or csrf_token(client, "/dang-ky")
    return client.post("/dang-ky", data={**VALID, **fields, "csrf_token": token})


def make_people(app, count, first=0) -> list[str]:
    """`count` participants with the quick hash; their phones."""
    phones = [f"0913{number:06d}" for number in range(first, first + count)]
    with app.app_context():
        db.session.execute(
            insert(User),
            [
                {
                    "full_name": f"Công chức số {number + 1}",
                    "phone": phone,
                    "role": "participant",
                    "participant_group": "can_bo",
                    "password_hash": QUICK_HASH,
                }
                for number, phone in enumerate(phones, start=first)
            ],
        )
        db.session.commit()
    return phones


def retry_after(response) -> int:
    seconds = int(response.headers["Retry-After"])
    assert seconds >= 1
    return seconds


NAMES = ("Nguyễn Thị Hoa", "Trần Văn Đức", "Lê Thị Thuỷ", "Phạm Quốc Việt", "Hoàng Minh Châu")


def test_sixty_colleagues_register_then_log_in_from_one_address(app, office):
    host = office()
    with app.app_context():
        agencies = [make_agency("SNV", "Sở Nội vụ").id, make_agency("STP", "Sở Tư pháp").id]
    people = []
    for number in range(60):
        # Every mix of blank and filled optional fields; blanks typed as nothing or as spaces.
        mix = number % 8
        blank = "" if number % 16 < 8 else "   "
        civil_servant = number % 3 == 0
        person = {
            "full_name": f"{NAMES[number % len(NAMES)]} {number + 1}",
            "gender": ("nam", "nu")[number % 2],
            "phone": f"0914{number:06d}",
            "email": f"Dong.Nghiep{number}@SoNoiVu.gov.vn" if mix & 1 else blank,
            "national_id": f"0381{number:08d}" if mix & 2 else blank,
            "address": f"Số {number + 1} đường Lê Lợi, Thành phố Vinh" if mix & 4 else blank,
            "participant_group": "can_bo" if civil_servant else "nhan_dan",
            "agency_id": str(agencies[number % 2]) if civil_servant else "0",
        }
        response = register(browser(host), **person)
        assert response.status_code == 302, (number, response.get_data(as_text=True))
        people.append(person)

    with app.app_context():
        assert db.session.execute(select(func.count(User.id))).scalar_one() == 60
        for person in people:
            user = db.session.execute(
                select(User).where(User.phone == person["phone"])
            ).scalar_one()
            assert user.email == (person["email"].lower() if person["email"].strip() else None)
            assert user.national_id == (person["national_id"].strip() or None)
            assert user.address == (person["address"].strip() or None)
            assert user.agency_id == (int(person["agency_id"]) or None)
        for column in (User.email, User.national_id, User.address):
            assert db.session.execute(select(User.id).where(column == "")).first() is None

    for number, person in enumerate(people):
        identifier = person["email"] if person["email"].strip() and number % 2 else person["phone"]
        response = log_in(browser(host), identifier, VALID["password"])
        assert response.status_code == 302, (number, identifier)


def test_thirty_wrong_passwords_on_thirty_accounts_do_not_stop_a_correct_one(app, office):
    host = office()
    phones = make_people(app, 31)
    for number, phone in enumerate(phones[:30]):
        client = browser(host, f"198.51.100.{number + 1}")
        assert log_in(client, phone, "sai-mat-khau").status_code == 200
    assert log_in(browser(host, "192.0.2.200"), phones[30]).status_code == 302
    assert log_in(browser(host, "192.0.2.201"), phones[0]).status_code == 302


def spy_on_password_checks(monkeypatch) -> list[str]:
    """The hashes `accounts` checks a password against, one per check."""
    checked = []
    real = accounts.check_password_hash

    def spy(password_hash, password):
        checked.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(accounts, "check_password_hash", spy)
    return checked


def test_a_flood_on_one_account_from_many_addresses_meets_its_limit(app, office, monkeypatch):
    host = office()
    with app.app_context():
        make_user(phone="0912000001")
        make_user(phone="0912000002")
    checked = spy_on_password_checks(monkeypatch)
    first_tier = throttles.ACCOUNT_FAILURES.limits[0]
    for number in range(first_tier.amount):
        client = browser(host, f"198.51.100.{number + 1}")
        assert log_in(client, "0912000001", f"doan-{number}").status_code == 200
    assert len(checked) == first_tier.amount

    # The same account, typed another way, from yet another address.
    client = browser(host, "192.0.2.77")
    refused = log_in(client, "+84 912 000 001", "doan-them")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert ACCOUNT_LOCKED in html
    assert "Vui lòng thử lại sau khoảng" in html
    assert retry_after(refused) <= first_tier.get_expiry() + 1
    assert 'value="+84 912 000 001"' in html  # what was typed stays, the password does not
    assert "doan-them" not in html
    # Checked before the password: the right password is refused too, and none is verified.
    assert log_in(client, "0912000001").status_code == 429
    assert len(checked) == first_tier.amount
    # Other accounts, at the same addresses, log in.
    for number in range(first_tier.amount):
        client = browser(host, f"198.51.100.{number + 1}")
        assert log_in(client, "0912000002").status_code == 302


def test_an_office_is_locked_by_failures_only_and_only_at_its_limit(app, office):
    host = office()
    limit = throttles.ADDRESS_FAILURES.limits[0].amount
    successes = limit + 100
    phones = make_people(app, successes)
    # Successes never count: more of them than the limit, everybody from one address.
    for phone in phones:
        assert log_in(browser(host), phone).status_code == 302
    # Failures by different people count, up to the limit; a browser that sends its own
    # X-Forwarded-For does not get away from its address (nginx appends the real one).
    client = browser(host, sent_by_browser="10.9.8.7")
    token = csrf_token(client, "/dang-nhap")
    for phone in phones[:limit]:
        assert log_in(client, phone, "sai-mat-khau", token).status_code == 200
    refused = log_in(client, phones[limit], "sai-mat-khau", token)
    assert refused.status_code == 429
    assert NETWORK_LOCKED in refused.get_data(as_text=True)
    retry_after(refused)
    # While it lasts, nobody at this address is let try, and the rest of the world is.
    assert log_in(browser(host), phones[limit]).status_code == 429
    assert log_in(browser(host, "192.0.2.50"), phones[limit]).status_code == 302


def test_without_a_trusted_proxy_the_forwarded_address_is_not_believed(app, office):
    """TRUSTED_PROXY_HOPS=0: X-Forwarded-For is whatever a client wrote, so limits are keyed by
    REMOTE_ADDR; a new forged address per request does not give a fresh count."""
    host = office(hops=0)
    limit = throttles.ADDRESS_FAILURES.limits[0].amount
    phones = make_people(app, limit + 1)
    client = browser(host)
    token = csrf_token(client, "/dang-nhap")
    for number, phone in enumerate(phones[:limit]):
        client.environ_base["HTTP_X_FORWARDED_FOR"] = f"10.{number // 250}.{number % 250}.1"
        assert log_in(client, phone, "sai-mat-khau", token).status_code == 200
    client.environ_base["HTTP_X_FORWARDED_FOR"] = "10.200.200.200"
    refused = log_in(client, phones[limit], "sai-mat-khau", token)
    assert refused.status_code == 429
    assert NETWORK_LOCKED in refused.get_data(as_text=True)


def test_an_unknown_account_is_answered_as_a_wrong_password_after_the_same_check(
    app, office, monkeypatch
):
    host = office()
    with app.app_context():
        real_hash = make_user(phone="0912000001").password_hash
    checked = spy_on_password_checks(monkeypatch)
    unknown = log_in(browser(host), "0987654321", "mat-khau-doan")
    assert checked == [accounts.dummy_password_hash()]
    wrong = log_in(browser(host), "0912000001", "mat-khau-doan")
    assert checked[1:] == [real_hash]
    assert unknown.status_code == wrong.status_code == 200
    for response in (unknown, wrong):
        assert WRONG in response.get_data(as_text=True)
    # The dummy hash costs what a real one does: the same method and parameters.
    method = real_hash.split("$")[0]
    assert accounts.dummy_password_hash().split("$")[0] == method
    assert accounts.dummy_password_hash() is accounts.dummy_password_hash()  # made once
    # Unknown accounts are limited like real ones, so the limit tells nothing either.
    for _ in range(throttles.ACCOUNT_FAILURES.limits[0].amount - 1):
        assert log_in(browser(host), "0987654321", "mat-khau-doan").status_code == 200
    assert log_in(browser(host), "0987654321", "mat-khau-doan").status_code == 429


def test_registrations_per_phone_are_limited(app, office):
    host = office()
    limit = throttles.PHONE_REGISTRATIONS.limits[0].amount
    typed = ("0912345678", "+84 912 345 678", "0912.345.678")
    client = browser(host)
    assert register(client).status_code == 302  # VALID's phone: +84 912.345.678
    # Again and again from other browsers: refused as a duplicate, and counted.
    for number in range(limit - 1):
        response = register(browser(host), phone=typed[number % 3], email="")
        assert "Số điện thoại này đã được dùng để đăng ký" in response.get_data(as_text=True)
    refused = register(browser(host), phone="0912345678", full_name="Đỗ Thị Lan", email="")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert "Số điện thoại này đã được gửi đăng ký nhiều lần" in html
    assert "Vui lòng thử lại sau khoảng" in html
    assert retry_after(refused) <= throttles.PHONE_REGISTRATIONS.limits[0].get_expiry() + 1
    assert 'value="Đỗ Thị Lan"' in html and VALID["password"] not in html
    assert "Vui lòng sửa các mục" not in html  # nothing typed was wrong
    # Another phone from the same office registers.
    assert register(browser(host), phone="0912345679", email="").status_code == 302


def test_registrations_per_address_are_limited(app, office):
    host = office()
    limit = throttles.ADDRESS_REGISTRATIONS.limits[0].amount
    # Valid forms for phones already registered: counted like new accounts, without hashing.
    phones = make_people(app, limit + 1)
    client = browser(host)
    token = csrf_token(client, "/dang-ky")
    for phone in phones[:limit]:
        assert register(client, token, phone=phone, email="").status_code == 200
    refused = register(client, token, phone=phones[limit], email="")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert "Có nhiều lượt đăng ký từ cùng một mạng" in html
    assert "Vui lòng thử lại sau khoảng" in html
    assert retry_after(refused) <= throttles.ADDRESS_REGISTRATIONS.limits[0].get_expiry() + 1
    # From another address, registering goes on.
    assert register(browser(host, "192.0.2.60"), phone="0912345679", email="").status_code == 302
