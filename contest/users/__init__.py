"""Staff accounts (organizers and judges): creating them, temporary passwords, roles."""
