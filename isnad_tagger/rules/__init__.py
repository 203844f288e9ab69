"""Rule-based tagger: the pre-annotator and the baseline every trained model must beat.

    from isnad_tagger.rules import RuleTagger
    tagger = RuleTagger()           # loads the packaged lexicons (isnad_tagger/rules/lexicons/*.tsv)
    tagger.predict("وقال مصدر أمني إن ...")   # -> [{"start", "end", "text", "label", "type", "score"}, ...]

See isnad_tagger.rules.tagger for the patterns and isnad_tagger.rules.lexicon for the lexicon files; the word
tests are in isnad_tagger.rules.words, the cue and noun-phrase recognizers in isnad_tagger.rules.cues and
isnad_tagger.rules.phrases.
"""

from isnad_tagger.rules.lexicon import Lexicon, load_lexicon, normalize
from isnad_tagger.rules.tagger import RULE_SCORES, RuleTagger

__all__ = ["RuleTagger", "RULE_SCORES", "Lexicon", "load_lexicon", "normalize"]
