"""Turn a follow-up question into a standalone one before retrieval.

"Et qui l'a démenti ?" retrieves nothing on its own. A model that follows instructions
rewrites it with the history (prompts/rewrite.*.txt); otherwise, or when its rewrite looks
wrong, the previous question's subject (its names, acronyms, numbers, else its content
words) is carried over. A question that already stands alone is left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import prompts
from assistant.models.llm import Generator, complete
from index.store.lexical import stopwords

_FOLLOW_START = re.compile(
    r"^\s*(et|mais|alors|puis|ensuite|pourquoi|and|but|so|then|why|what about|how about)\b", re.I
)
_PRONOUN = re.compile(
    r"\b(il|elle|ils|elles|lui|leur|leurs|eux|ce dernier|cette dernière|celui-ci|celle-ci|"
    r"he|she|it|they|him|her|them|his|its|their|this|that|these|those)\b|\b[lL]['’]",
    re.I,
)
_INVERSION = re.compile(r"-(?:t-)?(?:il|elle|ils|elles|on)\b", re.I)
_POSSESSIVES = {"its", "their", "his", "leur", "leurs"}
_ENTITY = re.compile(r"\b(?:[A-ZÀ-Ý][\w’'-]+|[A-Z]{2,}|\d[\d\s]*\d|\d)\b")
_WORD = re.compile(r"[^\W\d_][\w’'-]*", re.UNICODE)


@dataclass
class Turn:
    question: str
    answer: str = ""


def needs_context(question: str) -> bool:
    """A question that opens with a connective, or leans on a pronoun with no name of its own.

    A possessive next to a name usually points at that name ("When did Germany disconnect its
    reactors?"), so it does not make the question a follow-up; "it", "them", "l'" still do.
    """
    if _FOLLOW_START.match(question):
        return True
    entities = _ENTITY.findall(question[1:])
    # "a-t-il", "est-elle": French inversion repeats the question's own subject, it refers back to nothing.
    plain = _INVERSION.sub(" ", question)
    pronouns = {m.group(0).lower() for m in _PRONOUN.finditer(plain)}
    if not pronouns:
        return False
    if entities and pronouns <= _POSSESSIVES:
        return False
    return len(entities) < 2


def subject_terms(question: str, language: str) -> list[str]:
    """The words that carry a question's subject: names, acronyms, numbers; else content words."""
    body = question.strip()
    entities = [e.strip() for e in _ENTITY.findall(body) if body.find(e) > 0 or e.isupper()]
    if entities:
        return list(dict.fromkeys(entities))
    stop = stopwords(language)
    return list(dict.fromkeys(w for w in _WORD.findall(body.lower()) if w not in stop and len(w) > 2))


def carry_over(question: str, previous: str, language: str) -> str:
    missing = [t for t in subject_terms(previous, language) if t.lower() not in question.lower()]
    return f"{question.rstrip()} ({', '.join(missing)})" if missing else question


def standalone_question(
    question: str, history: Sequence[Turn], language: str, generator: Generator | None = None
) -> str:
    """The question to retrieve with: rewritten by the model when it can, else carried over."""
    if not history or not needs_context(question):
        return question
    previous = history[-1].question
    if generator is not None and generator.follows_instructions:
        lines = "\n".join(
            f"- {t.question}" + (f"\n  → {t.answer[:300]}" if t.answer else "") for t in history[-4:]
        )
        prompt = prompts.render("rewrite", language, history=lines, question=question)
        rewritten = complete(generator, "", prompt, max_tokens=80, stop=["\n"]).strip().strip('"“”«» ')
        if 3 <= len(rewritten) <= 3 * len(question) + 200 and rewritten.lower() != question.lower():
            return rewritten
    return carry_over(question, previous, language)
