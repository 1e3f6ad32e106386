"""Translate a question into the archive's language before retrieval.

An English question about French briefings shares only its names and numbers with them: BM25
matches words and the default embedder is English-only. The LLM translates the question
(prompts/translate.LANG.txt, few-shot, so the embedded 270M *base* model does it too; an
instruct model gets a one-line instruction instead, prompts/translate_instruct.LANG.txt) and
retrieval searches the question and its translation together: the original keeps names and
numbers exactly (the 270M model garbles some), the translation brings the archive's words. The
abstention gate, the reranker and the choice of the quoted sentence read the translation, since
their signals were calibrated on questions in the briefings' language.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

import prompts
from assistant.models.llm import GenerationError, Generator, complete
from index.store.lexical import tokenize_query
from index.text.names import capitalised_words
from index.text.numbers import PUNCTUATED_DIGITS

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

    A model that follows instructions is told what to do (prompts/translate_instruct.LANG.txt,
    the question as the user's message); a base model completes the few-shot list
    (prompts/translate.LANG.txt). A base model sometimes copies the question, echoes a label or
    runs on: the first line is kept, labels stripped, and a copy, a blank line or a run-on
    (over 3× the question) refused.
    """
    flat = " ".join(question.split())
    if generator.follows_instructions:
        system, prompt = prompts.render("translate_instruct", target), flat
    else:
        system, prompt = "", prompts.render("translate", target, question=flat)
    try:
        raw = complete(generator, system, prompt, max_tokens=MAX_TOKENS, stop=["\n"])
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


_NUMBER = re.compile(PUNCTUATED_DIGITS)


def dropped_names(question: str, translation: str, mentioned: Callable[[str], bool]) -> list[str]:
    """Names and numbers of `question` that its translation lost and the archive mentions.

    The 270M model often drops or pronominalises a name ("Where was Tokayev trained?" came
    back as "Où a-t-il été entraîné ?"), and the gate and the reranker read the translation:
    without the name it covered nothing of the bullet that names him. A name the archive
    never mentions is not carried: it would only add a word no passage can match.
    """
    kept = set(tokenize_query(translation, ["fr", "en"])) | set(_NUMBER.findall(translation))
    out: dict[str, None] = {}
    for word in [*capitalised_words(question), *_NUMBER.findall(question)]:
        stems = tokenize_query(word, ["fr", "en"]) if not word[0].isdigit() else [word]
        if stems and not any(s in kept for s in stems) and mentioned(word):
            out[word] = None
    return list(out)


def translation_for(
    question: str,
    language: str,
    archive: Collection[str],
    generator: Generator | None,
    mentioned: Callable[[str], bool] | None = None,
) -> tuple[str, str] | None:
    """(translation, its language) when the question is not in the archive's language and the
    model gave a usable translation; else None. With `mentioned` (does the archive mention this
    word?), names and numbers the translation lost are appended to it in parentheses."""
    target = target_language(language, archive)
    text = translate(question, target, generator) if target and generator is not None else None
    if not text or not target:
        return None
    lost = dropped_names(question, text, mentioned) if mentioned else []
    return (f"{text} ({', '.join(lost)})" if lost else text), target


def search_query(question: str, translation: str | None) -> str:
    """What retrieval reads: the question, with its translation beside it when there is one."""
    return f"{question} {translation}" if translation else question
