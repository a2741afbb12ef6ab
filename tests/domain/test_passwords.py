"""The password rule itself (contest/domain/passwords.py): lengths by role, the shipped list of
common passwords, the account's own phone and e-mail."""

import unicodedata

import pytest

from contest.domain import passwords
from contest.domain.passwords import common_passwords, problem


def test_the_shipped_list_holds_the_seclists_ten_thousand_and_the_vietnamese_ones():
    common = common_passwords()
    # 10,000 lines of SecLists (a few repeat once folded) plus the Vietnamese section.
    assert 9_900 < len(common) < 10_200
    for word in ("password", "123456", "qwerty", "iloveyou", "eyphed"):  # first and last lines
        assert word in common
    for word in ("12345678", "matkhau123", "abc123456", "anhyeuem", "vietnam123"):
        assert word in common
    assert not any(line.startswith("# ") for line in common)


@pytest.mark.parametrize(
    "password", ["matkhau123", "MatKhau123", "12345678", "abc123456", "password1", "Aa@123456"]
)
def test_common_passwords_are_refused_for_everybody_whatever_their_case(password):
    for staff in (False, True):
        message = problem(password, staff=staff, field="Mật khẩu mới")
        assert message is not None and message.startswith("Mật khẩu mới: ")
    assert "quá phổ biến" in problem(password, staff=False)


def test_participants_need_eight_characters_and_staff_twelve():
    assert problem("tr8-ng-hk", staff=False) is None  # 9 characters
    assert problem("bx7-qm2w", staff=False) is None  # exactly 8
    assert problem("bx7-qm2", staff=False) == "Mật khẩu: cần từ 8 đến 128 ký tự."
    eleven = "bx7-qm2w-kp"
    assert problem(eleven, staff=False) is None
    assert "từ 12 đến 128 ký tự" in problem(eleven, staff=True)
    assert problem(eleven + "z", staff=True) is None  # exactly 12
    assert problem("x" * 127 + "y", staff=True) is None  # 128
    assert "128" in problem("x" * 128 + "y", staff=False)
    assert "8 đến 128" in problem("", staff=False) and "8 đến 128" in problem(None, staff=False)


def test_a_password_is_never_the_accounts_own_phone_or_email():
    phone = "0912583746"
    for typed in ("0912583746", "912583746", "84912583746", "+84 912 583 746", "0912.583.746"):
        message = problem(typed, staff=False, phone=phone)
        assert message == "Mật khẩu: không được dùng số điện thoại của chính bạn làm mật khẩu."
    # Somebody else's number, or digits around the phone, are only judged as passwords.
    assert problem("0912583747", staff=False, phone=phone) is None
    assert problem("09125837460", staff=False, phone=phone) is None
    assert problem("0912583746", staff=False) is None
    assert "email" in problem("An.Nguyen@Example.vn", staff=False, email="an.nguyen@example.vn")
    assert problem("an.nguyen@example", staff=False, email="an.nguyen@example.vn") is None


def test_folding_is_nfc_and_case_blind():
    nfd = unicodedata.normalize("NFD", "Mật Khẩu")
    assert nfd != "Mật Khẩu"
    assert passwords.fold(nfd) == passwords.fold("MẬT KHẨU") == "mật khẩu"
