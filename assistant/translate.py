"""Translate a question into the archive's language before retrieval.

An English question about French briefings shares only its names and numbers with them: BM25
matches words and the default embedder is English-only. The LLM translates the question
(prompts/translate.LANG.txt, few-shot, so the embedded 270M *base* model does it too) and
retrieval searches the question and its translation together: the original keeps names and
numbers exactly, the translation brings the archive's words. The abstention gate, the
reranker and the choice of the quoted sentence read the translation, since their signals
were calibrated on questions in the briefings' language.

On 100 answerable PIAF dev questions translated into English by hand (bench/data/, README
"English questions on French briefings"), the embedded model's translation took the gold
bullet's recall@5 from 0.69 to 0.83 and recall@1 from 0.35 to 0.48 (the French originals: 0.87 /
0.74), for about 0.55 s a question on 2 cores. In a scratch run, searching the translation alone
did worse than both together (recall@5 0.76): the 270M model garbles some names and rare words.
"""

from __future__ import annotations

from collections.abc import Collection

import prompts
from assistant.llm import GenerationError, Generator, complete

MAX_TOKENS = 64


def target_language(language: str, archive: Collection[str]) -> str | None:
    """The language to translate a `language` question into, or None when the archive has it
    (or has several languages, or none: then no single translation would serve)."""
    if language in archive or len(archive) != 1:
        return None
    (target,) = archive
    return target if target in prompts.LANGUAGES else None


def translate(question: str, target: str, generator: Generator) -> str | None:
    """The model's translation of `question` into `target`, or None when it gave nothing usable.

    A base model sometimes copies the question, echoes a label or runs on: the first line is
    kept, labels stripped, and a copy, a blank line or a run-on (over 3× the question) refused.
    """
    prompt = prompts.render("translate", target, question=" ".join(question.split()))
    try:
        raw = complete(generator, "", prompt, max_tokens=MAX_TOKENS, stop=["\n"])
    except GenerationError:
        return None
    text = raw.split("\n", 1)[0].strip()  # what a stop at the newline leaves; a blank line is nothing
    for label in ("French:", "English:", "Français :", "Anglais :", "Français:", "Anglais:"):
        if text.startswith(label):
            text = text[len(label) :].strip()
    text = text.strip('"“”«» ')
    if len(text) < 3 or len(text) > 3 * len(question) + 20 or text.casefold() == question.strip().casefold():
        return None
    return text


def translation_for(
    question: str, language: str, archive: Collection[str], generator: Generator | None
) -> tuple[str, str] | None:
    """(translation, its language) when the question is not in the archive's language and the
    model gave a usable translation; else None."""
    target = target_language(language, archive)
    text = translate(question, target, generator) if target and generator is not None else None
    return (text, target) if text and target else None


def search_query(question: str, translation: str | None) -> str:
    """What retrieval reads: the question, with its translation beside it when there is one."""
    return f"{question} {translation}" if translation else question
