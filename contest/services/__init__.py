"""Services: fetch, call the domain, commit once. Views and CLI commands call these."""
