"""coder.services"""
