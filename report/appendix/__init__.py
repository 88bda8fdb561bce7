"""The appendix pages' computations: one module per notebook in ``appendix/``, named like it.

``claims`` also serves every chapter's claims table (the claims ledger is one, shown per chapter
and collected in the audit).
"""
