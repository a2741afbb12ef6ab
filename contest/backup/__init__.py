"""Backups of the whole database and their restore: `flask --app contest backup …` calls the
service; SQLite through its online backup API, PostgreSQL through pg_dump and pg_restore."""
