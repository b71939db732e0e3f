"""Stage 4, presentation: figures, the comparison report (Markdown and HTML) and its output folder.

May import: :mod:`restrans.model` and the stages scenario, engine, compare.
"""
