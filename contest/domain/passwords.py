"""Which passwords the app accepts: one rule for every place a password is set.

Registration, the password change, the reset by e-mail, the command line and the passwords the
app generates all ask `problem`. Staff accounts (organizers, judges, focal points) publish
results, void entries and see personal data: they need 12 characters; participants 8. Every
password is refused when it is one of the most common ones (the list shipped beside this
module, read once, no network) or the account's own phone number or e-mail address.
"""

import unicodedata
from functools import cache
from pathlib import Path

PARTICIPANT_MIN_LENGTH = 8
STAFF_MIN_LENGTH = 12
MAX_LENGTH = 128
# What a phone number is typed with: "0912 345 678" and "+84912345678" are the phone too.
PHONE_CHARACTERS = frozenset("0123456789 +.-")
COMMON_LIST = Path(__file__).resolve().parent / "data" / "common-passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list, folded as `fold` folds what is checked; comment lines left out."""
    lines = COMMON_LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(fold(line) for line in lines if line and not line.startswith("# "))


def fold(password: str) -> str:
    """NFC and lower case: "Matkhau123" is as guessable as "matkhau123"."""
    return unicodedata.normalize("NFC", password).casefold()


def digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def phone_variants(phone: str | None) -> set[str]:
    """0912345678 as typed, without its 0 and as 84912345678 (+84 912 345 678)."""
    number = digits(phone or "")
    if not number:
        return set()
    local = number[1:] if number.startswith("0") else number.removeprefix("84")
    return {number, local, "0" + local, "84" + local}


def min_length(staff: bool) -> int:
    return STAFF_MIN_LENGTH if staff else PARTICIPANT_MIN_LENGTH


def problem(
    password: str | None,
    *,
    staff: bool,
    phone: str | None = None,
    email: str | None = None,
    field: str = "Mật khẩu",
) -> str | None:
    """Why `password` is refused, in Vietnamese and naming `field`; None when it is accepted.

    `staff`: the account is (or is being made) an organizer, judge or focal point. `phone`
    and `email`: the account's own, which the password may not repeat.
    """
    text = password or ""
    shortest = min_length(staff)
    if len(text) < shortest or len(text) > MAX_LENGTH:
        if staff:
            return (
                f"{field}: tài khoản Ban Tổ chức, Ban Giám khảo và đầu mối cơ quan cần mật khẩu "
                f"từ {shortest} đến {MAX_LENGTH} ký tự."
            )
        return f"{field}: cần từ {shortest} đến {MAX_LENGTH} ký tự."
    folded = fold(text)
    if folded in common_passwords():
        return (
            f"{field}: mật khẩu này quá phổ biến, dễ bị đoán. "
            "Hãy chọn mật khẩu khác, ví dụ ghép vài từ mà chỉ bạn biết."
        )
    if set(text) <= PHONE_CHARACTERS and digits(text) in phone_variants(phone):
        return f"{field}: không được dùng số điện thoại của chính bạn làm mật khẩu."
    if email and folded == fold(email.strip()):
        return f"{field}: không được dùng địa chỉ email của chính bạn làm mật khẩu."
    return None
