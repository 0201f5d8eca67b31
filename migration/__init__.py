"""Importing the data of the Django shop backend (``manage.py import-django``).

Not part of the Lambda package: ``chalice package`` ships ``app.py`` and ``chalicelib/``
only, and this package is used from ``manage.py``.
"""
