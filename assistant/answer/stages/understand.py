"""Understand the question: its language, then the standalone question, then its translation.

The Query (assistant/answer/state.py) is built here and nowhere else: `begin` reads the question's
language once, `rewrite` makes a follow-up stand alone, `translate` adds the archive's language.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import replace

from assistant.answer.rewrite import Turn, standalone_question
from assistant.answer.state import Query, State, Tools
from assistant.answer.translate import translation_for
from index.parse.language import detect_language

_ACCENTED = re.compile(r"[àâçéèêëîïôûùüÿœæ]")


def question_language(question: str, archive: Collection[str] = ()) -> str:
    """French or English, by the question's function words and interrogatives. When they say
    nothing (a bare name, "OTSC Kazakhstan"), an accented letter tips it to French, else it is
    taken to be in the archive's language when the archive has one (so it is neither
    translated nor answered in another language), else English."""
    if _ACCENTED.search(question.lower()):
        default = "fr"
    else:
        default = next(iter(archive)) if len(archive) == 1 else "en"
    return detect_language(question, default=default)


def begin(question: str, history: Sequence[Turn], archive: Collection[str], answer_language: str) -> Query:
    """The question as asked: its language read once; `answer_language` "auto" answers in it."""
    language = question_language(question, archive)
    return Query(
        asked=question,
        language=language,
        answer_language=answer_language if answer_language in ("fr", "en") else language,
        archive=tuple(archive),
        history=tuple(history),
        standalone=question,
    )


def rewrite(state: State, tools: Tools) -> State:
    """A follow-up rewritten into a standalone question. The model is the main LLM when it
    follows instructions, else the reader (57 of 57 follow-up cases against the rules' 56,
    bench/eval_followups.py); a base model leaves it to the rules (assistant/answer/rewrite.py)."""
    q = state.query
    if not q.history:
        return state
    main = tools.generator if tools.generator is not None and tools.generator.follows_instructions else None
    standalone = standalone_question(q.asked, q.history, q.language, main or tools.reader)
    if standalone == q.standalone:
        return state
    return replace(state, query=replace(q, standalone=standalone))


def translate(state: State, tools: Tools) -> State:
    """The standalone question translated into the archive's language when it is asked in
    another (assistant/answer/translate.py). Translation stays with the main LLM: the 1.5B reader
    translated 5 of 12 English questions well."""
    q = state.query
    if not tools.settings.translate:
        return state
    found = translation_for(q.standalone, q.language, q.archive, tools.generator, tools.searcher.mentions)
    if found is None:
        return state
    text, language = found
    return replace(state, query=replace(q, translation=text, translation_language=language))
