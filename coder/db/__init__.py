"""coder.db"""
