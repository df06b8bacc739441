"""Project lifecycle, settings, coders and logins, copies, backups and checks, the demo."""
