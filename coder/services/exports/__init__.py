"""Exports of every kind, and REFI-QDA exchange with other tools."""
