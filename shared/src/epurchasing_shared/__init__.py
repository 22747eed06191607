"""Infrastructure and public event contracts shared by the e-purchasing services.

Never one service's business rules: those live in the service's own ``domain`` package.
"""
