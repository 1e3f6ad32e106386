"""A corpus of briefings as analysts write them, with questions whose gold passage is known.

`documents/` holds the text-format documents (Markdown, saved web pages, plain text) and
`questions.jsonl` their questions; `office.py` writes the Word and PDF documents and holds theirs.
`build.write_corpus` puts both halves in one folder and returns every question.
"""
