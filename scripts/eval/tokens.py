"""The one tokenization every method here uses.

Lower-case (str.lower after folding U+2019 to '), Unicode words (regex \\w+ with
internal apostrophes), a trailing possessive 's stripped, stop words dropped (the
project's own lists: data/stopwords/english.txt, the Snowball list, plus
data/stopwords/english-spoken.txt, the spoken fillers: uh, um, yeah, like, gonna,
okay, right, so, just, know, think, really, actually, kind, sort, thing, stuff,
going, want, get, got, ...), words containing a digit dropped, words shorter than 2
characters dropped, then Snowball English stemming (PyStemmer). Bracketed stage
directions ([Music], [Laughter]) are removed first.
"""

import pathlib
import re

import Stemmer

ROOT = pathlib.Path(__file__).resolve().parents[2]
STOP_FILES = [ROOT / "data/stopwords/english.txt", ROOT / "data/stopwords/english-spoken.txt"]

WORD = re.compile(r"\w+(?:'\w+)*", re.UNICODE)
STAGE = re.compile(r"\[[^\]]{0,40}\]")
DIGIT = re.compile(r"\d")


def read_list(path):
    out = set()
    for line in pathlib.Path(path).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip().lower().replace("\u2019", "'")
        if line:
            out.add(line)
    return out


STOP = set().union(*(read_list(p) for p in STOP_FILES))
SNOWBALL_EN = read_list(STOP_FILES[0])
_stemmer = Stemmer.Stemmer("english")
_cache = {}


def words(text):
    """Lower-cased surface words (before stop-word removal), in order."""
    text = STAGE.sub(" ", text.replace("\u2019", "'")).lower()
    return WORD.findall(text)


def keep(w):
    """The normalised word if it survives the filters, else None."""
    if w.endswith("'s"):
        w = w[:-2]
    if w in STOP or len(w) < 2 or DIGIT.search(w) or "_" in w:
        return None
    return w


def stem(w):
    s = _cache.get(w)
    if s is None:
        s = _stemmer.stemWord(w)
        _cache[w] = s
    return s


def tokens(text):
    """Stems of the content words of text, in order."""
    out = []
    for w in words(text):
        k = keep(w)
        if k is not None:
            out.append(stem(k))
    return out


def tokens_with_breaks(text):
    """(stem, surface) of content words, with None where a stop word, punctuation
    run or stage direction separates them: bigrams never span a None."""
    out = []
    text = STAGE.sub(" | ", text.replace("\u2019", "'"))
    pos = 0
    for m in WORD.finditer(text):
        gap = text[pos:m.start()]
        pos = m.end()
        if any(ch in gap for ch in ".,;:!?|()"):
            out.append(None)
        w = m.group(0)
        k = keep(w.lower())
        if k is None:
            out.append(None)
        else:
            out.append((stem(k), w))
    return out
