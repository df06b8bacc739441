"""Reconciliation: from two coders' work to one consensus."""
