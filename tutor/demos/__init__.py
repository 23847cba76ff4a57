"""Live demos: each one a folder with a pure ``compute`` module, a Rich renderer and a Textual view.

The registry (``tutor.demos.registry``) knows every demo's parameters without importing torch or numpy.
"""
