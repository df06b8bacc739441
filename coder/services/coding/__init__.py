"""Coding: what a coder does to a document (apply, remove, adjust, memo, done), and listings."""
