"""`make bench`: the shop's browse pages under gunicorn against the sandbox in its own process.

Run with `python -m bench` (see bench/__main__.py for what is measured and how).
"""
