#!/usr/bin/env python3
"""Generate the word lists that keep verbs, adjectives, adverbs and people's first
names out of discovered theme names and chapter titles.

A theme's name and a chapter's title say what a stretch of text is *about*: in
English that is a noun phrase ("service mesh", "Teleport", "certificates"), not a
verb of doing ("generate", "operate"), a judgement ("scary", "best"), an adverb
("across", "normally") or the first name of whoever spoke ("David"). Without a
part-of-speech tagger, each word's usual class is read from WordNet 3.0's
semantically tagged corpus counts (SemCor, `cntlist.rev`): how often each of its
senses was tagged as a noun, a verb, an adjective or an adverb.

Two files are written, both compiled into themeline:

* `data/stopwords/english-not-nouns.txt`: every word form (lemma or regular or
  irregular inflection) whose readings are mostly not nouns: the tagged uses of
  the verb, adjective and adverb lemmas it can be a form of outweigh those of the
  noun lemmas ("files": the verb's 66 against the noun's 20; "security": the
  noun only). A form none of whose lemmas was tagged falls back to their number
  of senses per class, WordNet's own measure of how usual a reading is; a tie
  stays a noun. Forms, not stems: themeline looks up the word a term is shown
  as, and "security" must not go with "secure".
* `data/stopwords/english-given-names.txt`: the 1990 US Census first names
  (public domain, as bundled by the PyPI package `names`) that are not also an
  English word: a name WordNet lists in lower case and its tagged corpus uses
  ("will", "mark", "ruby") is a word first and stays; one it lists only as a capitalised person
  (noun.person: "David", "Jason") or not at all ("Brian") is a name.

Run (Debian's wordnet-base provides /usr/share/wordnet; `pip download names`
gives the census files):

    apt-get install wordnet-base
    pip download names==0.3.0 --no-deps -d /tmp/names
    tar xzf /tmp/names/names-0.3.0.tar.gz -C /tmp/names
    python3 scripts/gen_word_classes.py --wordnet /usr/share/wordnet \
        --names /tmp/names/names-0.3.0/names

The output is deterministic (sorted), so re-running it changes nothing.
"""

import argparse
import collections
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]
# ss_type digit of a WordNet sense key: 1 noun, 2 verb, 3 adjective, 4 adverb,
# 5 adjective satellite.
NOUN = "1"
WORD = re.compile(r"^[a-z]+$")
PERSON_LEXFILE = 18  # noun.person


def tagged_counts(wordnet):
    """{(lemma, is_other): tag count} from cntlist.rev (sense_key sense_no count)."""
    counts = collections.Counter()
    for line in (wordnet / "cntlist.rev").read_text(encoding="latin-1").splitlines():
        key, _, count = line.split()
        lemma, rest = key.split("%", 1)
        if WORD.match(lemma):
            counts[(lemma, rest[0] != NOUN)] += int(count)
    return counts


POS_FILES = {"noun": False, "verb": True, "adj": True, "adv": True}


def inflections(lemma, pos):
    """The regular inflected forms of `lemma`: the reverse of WordNet's morphy
    detachment rules (irregular forms come from the exception lists)."""
    forms = {lemma}
    if pos == "noun":
        forms.add(lemma + "s")
        if lemma.endswith(("s", "x", "z", "ch", "sh")):
            forms.add(lemma + "es")
        if lemma.endswith("y"):
            forms.add(lemma[:-1] + "ies")
        if lemma.endswith("man"):
            forms.add(lemma[:-3] + "men")
    elif pos == "verb":
        forms |= {lemma + "s", lemma + "ed", lemma + "ing"}
        if lemma.endswith(("s", "x", "z", "ch", "sh", "o")):
            forms.add(lemma + "es")
        if lemma.endswith("e"):
            forms |= {lemma + "d", lemma[:-1] + "ing"}
        if lemma.endswith("y"):
            forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    elif pos == "adj":
        forms |= {lemma + "er", lemma + "est"}
        if lemma.endswith("e"):
            forms |= {lemma + "r", lemma + "st"}
    return forms


def not_nouns(wordnet):
    """Every word form whose readings are mostly not nouns."""
    tags = tagged_counts(wordnet)
    # form -> {(lemma, is_other)}: the readings morphy would give the form.
    readings = collections.defaultdict(set)
    senses = collections.Counter()
    for pos, other in POS_FILES.items():
        for line in (wordnet / f"index.{pos}").read_text(encoding="latin-1").splitlines():
            if line.startswith(" "):
                continue  # the licence header
            fields = line.split()
            lemma = fields[0]
            if not WORD.match(lemma):
                continue
            senses[(lemma, other)] += int(fields[2])
            for form in inflections(lemma, pos):
                readings[form].add((lemma, other))
        for line in (wordnet / f"{pos}.exc").read_text(encoding="latin-1").splitlines():
            form, *bases = line.split()
            if WORD.match(form):
                readings[form] |= {(b, other) for b in bases if WORD.match(b)}
    out = []
    for form, rs in readings.items():
        mass = [0, 0]
        for lemma, other in rs:
            mass[other] += tags[(lemma, other)]
        tagged = sum(mass) > 0
        if not tagged:
            mass = [0, 0]
            for lemma, other in rs:
                mass[other] += senses[(lemma, other)]
        # A form no tagged lemma reaches is kept only as a lemma itself: the
        # regular inflections of untagged words are mostly never said ("abducer").
        if mass[1] > mass[0] and (tagged or any(form == lemma for lemma, _ in rs)):
            out.append(form)
    return sorted(out)


def lowercase_words(wordnet):
    """Every single-word lemma WordNet writes in lower case in any synset, and the
    words it writes capitalised with their lexicographer files."""
    lower, capital = set(), collections.defaultdict(set)
    for pos in ("noun", "verb", "adj", "adv"):
        for line in (wordnet / f"data.{pos}").read_text(encoding="latin-1").splitlines():
            if line.startswith(" "):
                continue
            fields = line.split()
            lexfile, count = int(fields[1]), int(fields[3], 16)
            for i in range(count):
                word = fields[4 + 2 * i]
                if "_" in word or "-" in word:
                    continue
                word = re.sub(r"\(.*\)$", "", word)  # adjective markers: "galore(ip)"
                if word.islower():
                    lower.add(word)
                else:
                    capital[word.lower()].add(lexfile if pos == "noun" else -1)
    return lower, capital


def given_names(wordnet, names_dir):
    lower, capital = lowercase_words(wordnet)
    # A lower-case word counts as a word only if the tagged corpus ever uses it:
    # "ben" (a Scottish peak) never is, "ruby" and "will" are.
    used = {lemma for lemma, _ in tagged_counts(wordnet)}
    lower &= used
    out = set()
    for file in ("dist.male.first", "dist.female.first"):
        for line in (names_dir / file).read_text(encoding="latin-1").splitlines():
            name = line.split()[0].lower()
            if not WORD.match(name) or len(name) < 3 or name in lower:
                continue
            if name in capital and capital[name] != {PERSON_LEXFILE}:
                continue  # a place, a language, a people: "Ada", "Georgia"
            out.add(name)
    return sorted(out)


HEADER_NOT_NOUNS = """\
# Words whose usual English class is not a noun: verbs, adjectives, adverbs. They
# never lead a discovered theme's name or make a chapter title, which say what a
# stretch of text is about. Each word form whose readings in WordNet 3.0's tagged
# corpus (SemCor) are mostly verbs, adjectives or adverbs.
# Generated by scripts/gen_word_classes.py from WordNet 3.0; do not edit by hand.
#
# WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved.
# THIS SOFTWARE AND DATABASE IS PROVIDED "AS IS" AND PRINCETON UNIVERSITY MAKES NO
# REPRESENTATIONS OR WARRANTIES, EXPRESS OR IMPLIED. BY WAY OF EXAMPLE, BUT NOT
# LIMITATION, PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES OF
# MERCHANTABILITY OR FITNESS FOR ANY PARTICULAR PURPOSE OR THAT THE USE OF THE
# LICENSED SOFTWARE, DATABASE OR DOCUMENTATION WILL NOT INFRINGE ANY THIRD PARTY
# PATENTS, COPYRIGHTS, TRADEMARKS OR OTHER RIGHTS. The full licence is in
# data/stopwords/LICENSE-WordNet.
"""

HEADER_NAMES = """\
# People's first names that are not also English words: a theme's name or a
# chapter's title never holds one (it would name who spoke, not what was said).
# The 1990 US Census first names (public domain) minus every word WordNet 3.0
# writes in lower case and its tagged corpus uses ("will", "mark", "ruby" stay
# words; "ben", a Scottish peak never tagged, is a name) and every name it
# gives a sense other than a person ("Ada", the language; "Georgia").
# Generated by scripts/gen_word_classes.py; do not edit by hand.
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wordnet", type=pathlib.Path, default=pathlib.Path("/usr/share/wordnet"))
    parser.add_argument("--names", type=pathlib.Path, required=True,
                        help="directory holding dist.male.first and dist.female.first")
    parser.add_argument("--out", type=pathlib.Path, default=ROOT / "data/stopwords")
    args = parser.parse_args()
    words = not_nouns(args.wordnet)
    (args.out / "english-not-nouns.txt").write_text(HEADER_NOT_NOUNS + "\n".join(words) + "\n")
    names = given_names(args.wordnet, args.names)
    (args.out / "english-given-names.txt").write_text(HEADER_NAMES + "\n".join(names) + "\n")
    print(f"{len(words)} non-noun forms, {len(names)} given names")


if __name__ == "__main__":
    main()
