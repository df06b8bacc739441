"""coder.text"""
