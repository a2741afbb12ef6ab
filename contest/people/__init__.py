"""The organizers' people console: find participants and staff, see one person, manage
accounts (roles, disabling, temporary passwords, new staff)."""
