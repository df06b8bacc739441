"""Text processing with spaCy: units of analysis, word boundaries, lemmas, segmenting imports.

Importing this package does not import spaCy; the pipeline loads on first use
(:func:`load_pipeline`), so command-line start-up stays fast.
"""

from coder.text.lemmas import in_family, lemma_matches, lemmatise, token_spans
from coder.text.pipeline import BLANK_PIPELINE, load_pipeline
from coder.text.segment import paragraph_spans, segment, segment_drafts, segment_many

__all__ = [
    "BLANK_PIPELINE",
    "in_family",
    "lemma_matches",
    "lemmatise",
    "load_pipeline",
    "paragraph_spans",
    "segment",
    "segment_drafts",
    "segment_many",
    "token_spans",
]
