"""Cards and decks: the model, loading and validation, readers for each source format, search and rendering.

Never imports textual or torch.
"""
