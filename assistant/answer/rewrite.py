"""Turn a follow-up question into a standalone one before retrieval.

"Et qui l'a démenti ?" retrieves nothing on its own. A model that follows instructions
rewrites it with the history (prompts/rewrite.*.txt); otherwise, or when its rewrite looks
wrong, the previous question's subject (its names, acronyms, numbers and content words) is
carried over. A question that already stands alone is left as it is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from string import Template

import prompts
from assistant.models.llm import GenerationError, Generator, complete
from assistant.models.registry import ModelError
from index.parse.language import QUESTION_WORDS, detect_language
from index.store.lexical import stopwords
from index.text.fold import strip_accents as _fold
from index.text.names import name_phrases as _names
from index.text.numbers import SPACED_DIGITS

_FOLLOW_START = re.compile(r"^\s*(et|mais|alors|puis|ensuite|and|but|so|then|what about|how about)\b", re.I)
_PRONOUN = re.compile(
    r"\b(il|elle|ils|elles|lui|leur|leurs|eux|son|sa|ses|ce dernier|cette dernière|ces derniers|"
    r"celui-ci|celle-ci|ceux-ci|celles-ci|"
    r"he|she|it|they|him|her|them|his|its|their|this|that|these|those|the former|the latter)\b",
    re.I,
)
# "l'" is an object pronoun before a verb ("qui l'a démenti", "l'annonce-t-il"), an article
# before a noun ("l'OTAN", "l'élection"): only the first refers back.
_ELIDED_PRONOUN = re.compile(
    r"\b[lL]['’](?:(?:a|ai|as|avons|avez|ont|avait|avaient|aura|auront|aurait|auraient|est|était|"
    r"sera|y|en)\b|[a-zà-ÿ]+-t?-?(?:il|elle|ils|elles|on)\b)"
)
_INVERSION = re.compile(r"-(?:t-)?(?:il|elle|ils|elles|on)\b", re.I)
_POSSESSIVES = {"its", "their", "his", "her", "leur", "leurs", "son", "sa", "ses"}
_ENTITY = re.compile(rf"\b(?:[A-ZÀ-Ý][\w’'-]+|[A-Z]{{2,}}|{SPACED_DIGITS})\b")
_NUMBER = re.compile(r"^\d[\d\s]*$")
_WHO = re.compile(r"^\s*(qui|who|whom)\b", re.I)
_WORD = re.compile(r"[^\W\d_][\w’'-]*", re.UNICODE)
# What may stand between the interrogative and an inverted verb when the pronoun is the only
# subject: "Combien a-t-elle payé", "Qu'ont-ils signé", "Pourquoi l'a-t-elle fait".
_SIMPLE_INVERSION = re.compile(
    r"^\s*(?:et\s+|mais\s+)?(?:(?:qui|que|qu['’]|quoi|où|quand|comment|pourquoi|combien(?:\s+d(?:e\s+|['’])\w+)?|"
    r"(?:de|à|pour|avec|en|sur)\s+(?:qui|quoi|combien|quel\w*))\s*)?"
    r"(?:(?:ne|n['’]|l['’]|les|lui|leur|y|en|s['’]|se)\s*)*[\w’']+-(?:t-)?(?:il|elle|ils|elles|on)\b",
    re.I,
)


_FUNCTION_WORDS = (
    stopwords("fr")
    | stopwords("en")
    | {_fold(w) for w in QUESTION_WORDS["fr"] | QUESTION_WORDS["en"]}
    | {"qu", "quoi", "ou", "about", "much", "many", "did", "does", "do", "was", "were"}
)


@dataclass
class Turn:
    question: str
    answer: str = ""


def _content_words(question: str) -> list[str]:
    words = [_INVERSION.sub("", w).replace("’", "'").split("'")[-1] for w in _WORD.findall(question)]
    return [w for w in words if w and not w[0].isupper() and _fold(w.lower()) not in _FUNCTION_WORDS]


def needs_context(question: str) -> bool:
    """A question that leans on the history: it opens with a connective ("Et en 2023 ?", "What
    about Germany?"), leans on a pronoun with no name of its own ("Qui l'a démenti ?"), has an
    inverted pronoun for its only subject ("Combien a-t-elle payé ?"), or is too short to say
    what it is about ("Pourquoi ?", "En échange de quoi ?").

    A possessive next to a name usually points at that name ("When did Germany disconnect its
    reactors?"), so it does not make the question a follow-up; "it", "them", "l'a" still do. A
    question with a name and an inverted subject ("Quand la BCE a-t-elle relevé ses taux ?")
    stands alone: French inversion repeats the question's own subject.
    """
    if _FOLLOW_START.match(question):
        return True
    entities = _ENTITY.findall(question[1:])
    if not entities and _SIMPLE_INVERSION.match(question):
        return True
    plain = _INVERSION.sub(" ", question)
    pronouns = {m.group(0).lower() for m in _PRONOUN.finditer(plain)}
    if _ELIDED_PRONOUN.search(question):
        pronouns.add("l'")
    if not pronouns:
        return not entities and len(_content_words(plain)) <= 1
    if entities and pronouns <= _POSSESSIVES:
        return False
    return len(entities) < 2


def carry_over(question: str, previous: str, answer: str = "") -> str:
    """`question` with the previous question's subject in parentheses: its names and numbers,
    then its content words. An elliptic question that names something of its own in place of
    the previous question's one name ("Et en Italie ?" after "… en Espagne ?") does not carry
    that name, nor a number when it brings its own ("Et en 2023 ?"). After a who-question, the
    names the answer gives come first: "il" in the follow-up is most likely the one named."""
    names = [e for e in _names(previous) if not _NUMBER.match(e)]
    numbers = [e for e in _names(previous) if _NUMBER.match(e)]
    own = _names(question)
    own_names = [e for e in own if not _NUMBER.match(e)]
    elliptic = bool(_FOLLOW_START.match(question)) and len(_content_words(question)) <= 1
    if elliptic and len(own_names) == 1 and len(names) == 1:
        names = []
    if any(_NUMBER.match(e) for e in own):
        numbers = []
    if answer and _WHO.match(previous):  # "Qui a racheté Credit Suisse ?" "UBS.": UBS is the subject
        names = [*[n for n in _names(answer[:200], question=False) if not _NUMBER.match(n)][:3], *names]
    words = [w for w in _content_words(previous) if len(w) > 2]
    terms = list(dict.fromkeys([*names, *numbers, *words]))
    missing = [t for t in terms if t.lower() not in question.lower()]
    return f"{question.rstrip()} ({', '.join(missing)})" if missing else question


def _history_lines(history: Sequence[Turn], answer_chars: int = 160) -> str:
    lines = []
    for t in history[-3:]:
        lines.append(f"Q: {' '.join(t.question.split())}")
        if t.answer:
            answer = " ".join(t.answer.split())
            lines.append(f"A: {answer[:answer_chars].rstrip()}{'…' if len(answer) > answer_chars else ''}")
    return "\n".join(lines)


def _instruct_prompt(history: Sequence[Turn], question: str, language: str) -> tuple[str, str]:
    """(system, user): the instructions and examples are the system prompt, the same for every
    question, so llama.cpp reuses their evaluation from one question to the next."""
    system, _, user = prompts.template("rewrite", language).template.partition("\n---\n")
    return system.strip(), Template(user.strip()).substitute(
        history=_history_lines(history), question=" ".join(question.split())
    )


def acceptable_rewrite(rewritten: str, question: str, history: Sequence[Turn], language: str) -> bool:
    """Whether the model's rewrite can replace the question.

    Refused: a blank or run-on reply, a copy of the question or of a previous one, a reply in
    another language, an answer instead of a question (no question mark where the question had
    one), an example's arrow copied, a rewrite that lost the question's own names or numbers or
    half its content words, or one that brings nothing from the history.
    """
    if not 3 <= len(rewritten) <= 2 * len(question) + 160 or rewritten.casefold() == question.casefold():
        return False
    if "?" in question and not rewritten.rstrip().endswith("?"):
        return False
    if (
        "→" in rewritten
        or rewritten.count("?") > 1
        or any(t.question.strip().casefold() in rewritten.casefold() for t in history)
    ):
        return False  # an example's pattern copied, or the previous question given back or glued on
    stems = {_fold(w.casefold())[:5] for w in _content_words(rewritten)}
    own = [w for w in _content_words(_INVERSION.sub(" ", question)) if len(w) > 2]
    if sum(_fold(w.casefold())[:5] in stems for w in own) * 2 < len(own):
        return False  # it lost the question's own words: another question, or the previous one
    if detect_language(rewritten, default=language) != language:
        return False
    folded = rewritten.casefold()
    if any(e.casefold() not in folded for e in _names(question)):
        return False
    context = " ".join(f"{t.question} {t.answer}" for t in history[-3:]).casefold()
    added = [
        w for w in [*_names(rewritten), *_content_words(rewritten)] if w.casefold() not in question.casefold()
    ]
    return any(w.casefold() in context for w in added)


def standalone_question(
    question: str, history: Sequence[Turn], language: str, generator: Generator | None = None
) -> str:
    """The question to retrieve with: rewritten by the model when it can, else carried over."""
    if not history or not needs_context(question):
        return question
    previous = history[-1].question
    if generator is not None and generator.follows_instructions:
        system, user = _instruct_prompt(history, question, language)
        try:
            raw = complete(generator, system, user, max_tokens=60, stop=["\n"])
        except (GenerationError, ModelError):  # a model that cannot load or run: the rules rewrite
            raw = ""
        rewritten = raw.strip().split("\n", 1)[0].strip().strip('"“”«» ')
        for label in ("Standalone question:", "Question autonome :", "Question autonome:", "Q:", "Rewrite:"):
            if rewritten.startswith(label):
                rewritten = rewritten[len(label) :].strip().strip('"“”«» ')
        if acceptable_rewrite(rewritten, question, history, language):
            return rewritten
    return carry_over(question, previous, history[-1].answer)
