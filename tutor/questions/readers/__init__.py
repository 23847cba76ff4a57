"""Readers of the learner's own notes: each turns one file format into the same list of notes.

``detect.read_note_file`` reads a file, recognises its format (Markdown, Q/A text or the Anki plain-text
export) and hands it to the reader of that format; ``tutor.questions.user_decks`` turns the notes into a deck.
"""
