"""coder.cli"""
