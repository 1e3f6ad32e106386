"""The BM25 index: scoring candidate rows gives the numbers of a full scoring."""

from __future__ import annotations


def test_candidate_scoring_equals_full_bm25() -> None:
    """Grams are scored on candidates only: that must give the same numbers as a full scoring."""
    import random

    import numpy as np

    from index.store.lexical import LexicalIndex
    from index.store.representation import char_grams

    rng = random.Random(3)
    vocab = "moscou kazakhstan otsc armée sommet gaz prix plafond démenti rumeur pékin".split()
    texts = [" ".join(rng.choice(vocab) for _ in range(rng.randint(1, 30))) for _ in range(300)]
    lex = LexicalIndex()
    lex.build([char_grams(t) for t in texts])
    for query in ["kazakhstan otsc", "gaz gaz prix", "zzzz", "sommet de pékin moscou"]:
        tokens = char_grams(query)
        rows = np.array(sorted(rng.sample(range(300), 40)))
        np.testing.assert_allclose(lex.scores_of(tokens, rows), lex.scores(tokens)[rows], rtol=1e-5)
