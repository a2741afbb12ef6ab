"""`flask --app contest users …`: staff accounts from the command line.

A fresh install has no demo and no account: the first organizer is created here. Temporary
passwords are printed once and stored only as a hash; the account must change them at the
next log-in.
"""

import sys
from typing import NoReturn

import click
from flask.cli import AppGroup

from contest.audit.service import COMMAND_LINE
from contest.models import Role
from contest.users import service
from contest.users.service import ROLE_LABELS, STAFF_ROLES, AccountError

users_cli = AppGroup(
    "users", help="Accounts: create staff, reset passwords, list, change roles, disable."
)

ROLES = [str(role) for role in Role]
STAFF = [str(role) for role in STAFF_ROLES]


def fail(error: AccountError) -> NoReturn:
    click.echo(error.message, err=True)
    sys.exit(1)


def echo_password(password: str) -> None:
    click.echo(f"Mật khẩu tạm thời (chỉ hiện một lần, hãy ghi lại): {password}")
    click.echo("Người dùng phải đổi mật khẩu này ngay khi đăng nhập.")


def describe(user) -> str:
    contact = ", ".join(value for value in (user.phone, user.email) if value)
    return f"#{user.id} {user.full_name} ({contact}), vai trò {ROLE_LABELS[Role(user.role)]}"


@users_cli.command(
    "create", short_help="Create an organizer, judge or focal point; print a temporary password."
)
@click.option(
    "--role", type=click.Choice(STAFF), required=True, help="organizer, judge or focal_point."
)
@click.option("--name", "full_name", required=True, help="Full name (họ và tên).")
@click.option("--phone", required=True, help="Mobile number, e.g. 0912345678 or +84 912 345 678.")
@click.option("--email", default=None, help="Optional; either it or the phone logs in.")
@click.option(
    "--agency", "agency_code", default=None, help="Agency code; required for a focal point."
)
def create(role: str, full_name: str, phone: str, email: str | None, agency_code: str | None):
    """Create an organizer, judge or focal-point account and print its temporary password once.

    A focal point follows one agency (--agency CODE). The password must be changed at the
    first log-in.
    """
    try:
        agency_id = service.find_agency(agency_code).id if agency_code else None
        user, password = service.create_staff(
            role, full_name, phone, email, COMMAND_LINE, agency_id=agency_id
        )
    except AccountError as error:
        fail(error)
    click.echo(f"Đã tạo tài khoản {describe(user)}.")
    echo_password(password)


@users_cli.command(
    "reset-password", short_help="New temporary password; end the account's sessions."
)
@click.argument("identifier", metavar="PHONE_OR_EMAIL")
def reset_password(identifier: str):
    """Give an account a new temporary password, printed once, and end its sessions.

    The password must be changed at the next log-in.
    """
    try:
        user = service.find_account(identifier)
        password = service.reset_password(user.id, COMMAND_LINE)
    except AccountError as error:
        fail(error)
    click.echo(
        f"Đã đặt lại mật khẩu cho tài khoản {describe(user)}; các phiên đăng nhập đã kết thúc."
    )
    echo_password(password)


@users_cli.command("set-password", short_help="Set a password typed at a prompt; end sessions.")
@click.argument("identifier", metavar="PHONE_OR_EMAIL")
@click.password_option(
    "--password",
    prompt="Mật khẩu mới",
    confirmation_prompt="Nhập lại mật khẩu",
    help="Prompted (hidden) when not given.",
)
def set_password(identifier: str, password: str):
    """Set an account's password (as the app's rule allows: 12 characters or more for staff,
    never a common one) and end its sessions."""
    try:
        user = service.find_account(identifier)
        service.set_password(user.id, password, COMMAND_LINE)
    except AccountError as error:
        fail(error)
    click.echo(f"Đã đặt mật khẩu cho tài khoản {describe(user)}; các phiên đăng nhập đã kết thúc.")


@users_cli.command("list", short_help="List staff (or --role ROLE) accounts.")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    default=None,
    help="Only this role. Without it: organizers and judges (staff), no participants.",
)
def list_users(role: str | None):
    """List accounts: id, role, name, phone, email, whether the password must be changed.

    Without --role, lists organizers and judges (staff) only.
    """
    users = service.list_accounts(role)
    if not users:
        click.echo("Không có tài khoản nào.")
        return
    header = ("ID", "VAI TRÒ", "HỌ VÀ TÊN", "ĐIỆN THOẠI", "EMAIL", "PHẢI ĐỔI MK")
    rows = [
        (
            str(user.id),
            str(user.role),
            user.full_name,
            user.phone or "-",
            user.email or "-",
            "có" if user.must_change_password else "không",
        )
        for user in users
    ]
    # Names are stored NFC: one character is one column, so padding by length aligns them.
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    click.echo(f"{len(users)} tài khoản.")


@users_cli.command("set-role", short_help="Change an account's role; end its sessions.")
@click.argument("identifier", metavar="PHONE_OR_EMAIL")
@click.argument("role", type=click.Choice(ROLES))
@click.option(
    "--agency", "agency_code", default=None, help="Agency code; required for focal_point."
)
def set_role(identifier: str, role: str, agency_code: str | None):
    """Change an account's role and end its sessions (its open sessions lose the old rights).

    A focal point follows one agency (--agency CODE). The last organizer cannot be demoted.
    """
    try:
        user = service.find_account(identifier)
        agency_id = service.find_agency(agency_code).id if agency_code else None
        changed = service.set_role(user.id, role, COMMAND_LINE, agency_id=agency_id)
    except AccountError as error:
        fail(error)
    if changed:
        click.echo(f"Đã đổi vai trò: {describe(user)}; các phiên đăng nhập đã kết thúc.")
    else:
        click.echo(f"Không thay đổi: {describe(user)} đã có vai trò này.")


@users_cli.command("disable", short_help="Disable an account: no log-in; end its sessions.")
@click.argument("identifier", metavar="PHONE_OR_EMAIL")
@click.option(
    "--reason",
    default="Khóa từ dòng lệnh.",
    show_default=True,
    help="Why (kept in the audit log).",
)
def disable(identifier: str, reason: str):
    """Disable an account: it can no longer log in, and its sessions end.

    The last enabled organizer cannot be disabled.
    """
    try:
        user = service.find_account(identifier)
        changed = service.disable_account(user.id, reason, COMMAND_LINE)
    except AccountError as error:
        fail(error)
    if changed:
        click.echo(f"Đã khóa tài khoản {describe(user)}; các phiên đăng nhập đã kết thúc.")
    else:
        click.echo(f"Không thay đổi: tài khoản {describe(user)} đã bị khóa từ trước.")


@users_cli.command("enable", short_help="Let a disabled account log in again.")
@click.argument("identifier", metavar="PHONE_OR_EMAIL")
def enable(identifier: str):
    """Let a disabled account log in again."""
    try:
        user = service.find_account(identifier)
        changed = service.enable_account(user.id, COMMAND_LINE)
    except AccountError as error:
        fail(error)
    if changed:
        click.echo(f"Đã mở khóa tài khoản {describe(user)}.")
    else:
        click.echo(f"Không thay đổi: tài khoản {describe(user)} không bị khóa.")
