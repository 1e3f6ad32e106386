"""Text utilities every layer shares: accent folding, month names, numbers, names, sentences.

Nothing here reads files, stores or searches anything, so index/parse, index/store,
index/search and assistant/ all use these modules, and each piece of text logic has one home.
"""
