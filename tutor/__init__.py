"""tutor: spaced-repetition reviews, exam drills and live demos for deep learning and AI computing systems."""

__version__ = "0.1.0"
