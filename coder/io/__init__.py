"""coder.io"""
