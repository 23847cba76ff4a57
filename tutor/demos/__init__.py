"""Live demos: each one a folder that declares itself (``__init__.py``), a pure ``compute`` module, a Rich
renderer and a Textual view.

The registry (``tutor.demos.registry``) collects the folders' declarations and checks a learner's parameters
without importing torch or numpy.
"""
