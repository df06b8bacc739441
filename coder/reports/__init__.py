"""coder.reports"""
