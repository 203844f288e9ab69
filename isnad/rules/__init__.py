"""Rule-based tagger: the pre-annotator and the baseline every trained model must beat.

    from isnad.rules import RuleTagger
    tagger = RuleTagger()           # loads the packaged lexicons (isnad/rules/lexicons/*.tsv)
    tagger.predict("وقال مصدر أمني إن ...")   # -> [{"start", "end", "text", "label", "type", "score"}, ...]

See isnad.rules.tagger for the patterns and isnad.rules.lexicon for the lexicon files; the word
tests are in isnad.rules.words, the cue and noun-phrase recognizers in isnad.rules.cues and
isnad.rules.phrases.
"""

from isnad.rules.lexicon import Lexicon, load_lexicon, normalize
from isnad.rules.tagger import RULE_SCORES, RuleTagger

__all__ = ["RuleTagger", "RULE_SCORES", "Lexicon", "load_lexicon", "normalize"]
