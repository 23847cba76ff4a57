"""The Textual app: screens over tutor.engine and tutor.questions, holding no learning logic of its own."""
