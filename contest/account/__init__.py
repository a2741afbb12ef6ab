"""The person's own account: profile corrections, password change and reset by e-mail.

`routes` holds the `account` blueprint (under /tai-khoan) and the guard that sends an account
with a temporary password to the change-password page; `history` the judges' list of profile
corrections; `service` the transactions; `tokens` the signed reset links; `mail` the message.
"""
