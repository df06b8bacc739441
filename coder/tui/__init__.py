"""coder.tui"""
