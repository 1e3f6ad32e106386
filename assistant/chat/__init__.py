"""The chat page: a Gradio front end over the same answering pipeline as the command line."""
