"""Rule-based tagger: the pre-annotator and the baseline every trained model must beat."""
