"""The answering stages, one module each; assistant/answer/pipeline.py lists them in order.

Each stage is a function `(State, Tools) -> State` (assistant/answer/state.py): it reads what
the stages before it left in the state and returns the next state, or the same state when it has
nothing to do. Stages carry no timing code and catch no model error of their own: the runner
(pipeline.py) times them, streams what they emit and owns the fallbacks.
"""
