"""Helpers for scripts/eval_chapters.py: data loading, tokenization, metrics,
segmentation methods and chapter titles (see EVALUATION.md)."""
