"""The learning engine: the learner's SQLite store, FSRS scheduling, the review queue, drills, grading and stats.

Nothing here imports textual: the app and the command line are two faces over :class:`tutor.engine.study.Study`.
"""
