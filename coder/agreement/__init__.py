"""coder.agreement"""
