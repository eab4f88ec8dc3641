"""Normalise a person's name for matching: strip titles and degrees, expand abbreviations, mark the
father's-name tail after bin/binti, join Portuguese particles, and give every name part a spelling
key in which old and new Indonesian spellings (Soekarno/Sukarno, Djoko/Joko, Tjahjono/Cahyono) and
common transliteration variants (ph/f, c/k, z/s, doubled letters) coincide.

Every change is recorded (``NormalisedName.rules`` and ``NameToken.rules``) so a match can say which
rule made two names agree.  Pure functions: no I/O beyond the packaged rule tables.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from docscreen.names.rules import NameRules, is_degree, load_rules

# Token roles.  "low" parts (Umbu, Wayan, Andi...) count little; "patronymic" parts (after bin or
# binti) count only when both names have them, because one document may leave them out.
NAME = "name"
LOW = "low"
PATRONYMIC = "patronymic"
INITIAL = "initial"

LOW_WEIGHT = 0.3
# Very common given names carry little evidence on their own (Muhammad is ~3% of tokens in
# Jakarta voter names); their weight is lowered even without an index-wide frequency table.
COMMON_TOKENS = frozenset({"MUHAMMAD", "ABDUL", "AHMAD", "NUR", "SITI", "ABU", "ABD"})
COMMON_WEIGHT = 0.5

# Arabic articles joined to the following word (AL-ZAWAHIRI / AL ZAWAHIRI / ALZAWAHIRI).
_ARTICLES = frozenset({"AL", "EL", "UL", "AR", "AS", "AD", "AN", "AZ", "ASH", "VAN", "VON", "DER"})
# The Arabic ones are left out of the transliteration key: lists write Akhras and Al-Akhras.
_ARABIC_ARTICLES = frozenset({"AL", "EL", "UL", "AR", "AS", "AD", "AN", "AZ", "ASH"})
_SPLIT = re.compile(r"[^A-Z0-9.]+")
_APOSTROPHES = re.compile(r"[’'`ʼʻ]")


@dataclass(frozen=True)
class NameToken:
    text: str  # upper-case ASCII as written, after abbreviation expansion and variant mapping
    key: str  # spelling key: old spelling modernised and transliteration variants folded
    role: str = NAME
    weight: float = 1.0
    rules: tuple[str, ...] = ()  # spelling rules that turned text into key
    # Transliteration key (coarser than ``key``): vowels and romanisation variants folded, an
    # Arabic article left off.  Two parts with the same sound key are the same name written from
    # another script (Husayn/Hussein, Omar/Umar, Al-Akhras/Akhras); "" = not computed.
    sound: str = ""
    sound_rules: tuple[str, ...] = ()

    @property
    def is_initial(self) -> bool:
        return self.role == INITIAL


@dataclass(frozen=True)
class NormalisedName:
    raw: str
    tokens: tuple[NameToken, ...]
    rules: tuple[str, ...] = ()  # name-level rules: titles stripped, abbreviations, particles...
    # A Korean family name and short syllable parts: its parts are also compared by their Korean
    # romanisation key (McCune-Reischauer and Revised spellings of one syllable coincide).
    korean: bool = False

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(t.key for t in self.tokens)

    @property
    def key_string(self) -> str:
        """Sorted spelling keys joined by spaces: the form blocking and brute force compare."""
        return " ".join(sorted(t.key for t in self.tokens if t.role != INITIAL))

    @property
    def significant(self) -> tuple[NameToken, ...]:
        """Full-weight name parts (not titles, markers, initials or the father's-name tail)."""
        return tuple(t for t in self.tokens if t.role == NAME)

    @property
    def is_single(self) -> bool:
        return len(self.significant) <= 1


def _ascii(text: str) -> str:
    text = _APOSTROPHES.sub("", text)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _replace_once(word: str, table: tuple[tuple[str, str], ...]) -> tuple[str, list[str]]:
    """One left-to-right pass of longest-match replacements (so TJ->C is not re-read as CH)."""
    out: list[str] = []
    fired: list[str] = []
    i = 0
    while i < len(word):
        for src, dst in table:
            if src and word.startswith(src, i):
                out.append(dst)
                fired.append(f"{src.lower()}->{dst.lower()}")
                i += len(src)
                break
        else:
            out.append(word[i])
            i += 1
    return "".join(out), fired


def modernise(word: str) -> tuple[str, list[str]]:
    """Old Indonesian spelling to EYD (OE->U, DJ->J, TJ->C, NJ->NY, SJ->SY, CH->KH)."""
    return _replace_once(word.upper(), load_rules().orthography)


@lru_cache(maxsize=200_000)
def spelling_key(word: str) -> tuple[str, tuple[str, ...]]:
    """The comparison key of one name part and the rules that produced it."""
    rules = load_rules()
    canonical = rules.given.get(word)
    fired: list[str] = []
    if canonical is not None and canonical != word:
        fired.append(f"variant:{word}->{canonical}")
        word = canonical
    modern, ortho = modernise(word)
    fired.extend(ortho)
    folds = tuple((s, d) for s, d in rules.folds if s not in ("J", "Y", "DOUBLE"))
    table = tuple(sorted(folds, key=lambda p: -len(p[0])))
    folded = modern
    # Folding can create a new pair (TJHIOENG -> CHIUNG -> KHIUNG): repeat until stable.
    for _ in range(3):
        refolded, fold_fired = _replace_once(folded, table)
        fired.extend(fold_fired)
        if refolded == folded:
            break
        folded = refolded
    # j/y: old j is new y (Janti/Yanti) but new j stays j (Joko), so both fold to one letter; a
    # y after the first letter is a vowel (Rizky/Rizki) and folds to i.  Initial Y stays (Yanti).
    chars = list(folded)
    for i, c in enumerate(chars):
        if c in "JY":
            new = "Y" if i == 0 else "I"
            if new != c:
                fired.append(f"{c.lower()}->{new.lower()}")
            chars[i] = new
    collapsed: list[str] = []
    for c in chars:
        if collapsed and collapsed[-1] == c:
            if "double" not in fired:
                fired.append("double")
            continue
        collapsed.append(c)
    return "".join(collapsed), tuple(dict.fromkeys(fired))


# Transliteration folds on top of the spelling key (which already has kh/k, dh/d, th/t, ph/f, c/k,
# q/k, z/s, ei/e, j/y and doubled letters): the romanisations of one Arabic, Persian, Korean or
# Cyrillic name differ mostly in how they write the vowels and a few consonants.
_SOUND_DIGRAPHS = (("SH", "S", "sh/s"), ("GH", "G", "gh/g"))
_SOUND_VOWELS = str.maketrans({"E": "I", "O": "U"})
_DIPHTHONGS = (("AI", "I"), ("AU", "U"))
_VOWEL_SET = frozenset("AEIOU")


@lru_cache(maxsize=200_000)
def sound_key(key: str) -> tuple[str, tuple[str, ...]]:
    """The transliteration key of one spelling key and the folds that changed it."""
    fired: list[str] = []
    s = key
    for src, dst, name in _SOUND_DIGRAPHS:
        if src in s:
            s = s.replace(src, dst)
            fired.append(name)
    folded = s.translate(_SOUND_VOWELS)
    if folded != s:
        fired.append("vowels")
        s = folded
    for src, dst in _DIPHTHONGS:
        if src in s[1:]:
            s = s[:1] + s[1:].replace(src, dst)
            if "vowels" not in fired:
                fired.append("vowels")
    if len(s) > 3 and s.endswith("H") and s[-2] in _VOWEL_SET:
        s = s[:-1]
        fired.append("final_h")
    collapsed: list[str] = []
    for c in s:
        if not collapsed or collapsed[-1] != c:
            collapsed.append(c)
    return "".join(collapsed), tuple(fired)


def _strip_prefix_titles(
    words: list[str], rules: NameRules, fired: list[str]
) -> tuple[list[str], list[tuple[str, str, str]]]:
    """Remove/mark leading titles; returns the remaining words and kept (word, role, expand)."""
    kept: list[tuple[str, str, str]] = []
    i = 0
    while i < len(words):
        for n in range(min(rules.max_prefix_words, len(words) - i), 0, -1):
            seq = tuple(w.upper() for w in words[i : i + n])
            title = rules.prefix_titles.get(seq)
            if title is None:
                continue
            # Never strip the last word: "Made" or "Andi" alone is someone's name.
            if i + n >= len(words) and title.action != "expand":
                title = None
                break
            if title.action == "strip":
                fired.append(f"title:{title.text}")
            elif title.action == "low":
                fired.append(f"low_weight:{title.text}")
                kept.extend((w, LOW, "") for w in words[i : i + n])
            elif title.action == "expand":
                fired.append(f"abbreviation:{title.text}->{title.expands_to}")
                kept.append((words[i], NAME, title.expands_to))
            i += n
            break
        else:
            break
        if title is None:
            break
    return words[i:], kept


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s,;/]+", text.replace("-", " ")) if w]


def _strip_suffix_titles(words: list[str], rules: NameRules, fired: list[str]) -> list[str]:
    while len(words) > 1:
        last = words[-1]
        title = rules.suffix_titles.get(last.upper())
        if title is not None:
            fired.append(f"title:{title.text}")
        elif is_degree(last):
            fired.append(f"degree:{last}")
        else:
            break
        words = words[:-1]
    return words


@lru_cache(maxsize=100_000)
def normalise_name(raw: str) -> NormalisedName:
    """Normalise one name as printed (KTP, passport VIZ or MRZ, case record, alias)."""
    rules = load_rules()
    fired: list[str] = []
    text = _ascii(raw).replace("<", " ").strip()
    n_head = 0  # words of a "SURNAME, Given" family name, moved to the end
    # "SURNAME, Given" (lists, some records) vs "Name, S.Pd., M.Pd." (degrees after a comma).
    if "," in text:
        head, _, tail = text.partition(",")
        tail_words = [w for w in re.split(r"[\s,]+", tail) if w]
        if tail_words and all(is_degree(w) or w.upper() in rules.suffix_titles for w in tail_words):
            fired.extend(f"degree:{w}" for w in tail_words)
            text = head
        else:
            text = f"{tail.replace(',', ' ')} {head}"
            fired.append("comma_reorder")
            n_head = len(_words(head))
    words = _words(text)
    n_words = len(words)
    words = _strip_suffix_titles(words, rules, fired)
    # "AL-KA'BI, Sa'd bin Sa'd": the family name before the comma is not part of the father's
    # name that bin/binti starts in the given names.
    n_head = max(0, n_head - (n_words - len(words)))
    words, kept = _strip_prefix_titles(words, rules, fired)

    parts: list[tuple[str, str]] = []  # (upper text, role)
    for word, role, expand in kept:
        if expand:
            parts.append((expand, role))
        else:
            parts.extend((p, role) for p in _SPLIT.split(word.upper().replace(".", " ")) if p)
    patronymic = False
    first_head = len(words) - n_head
    for k, word in enumerate(words):
        if parts and word.upper() in rules.connectors:
            if k < first_head:
                patronymic = True
                fired.append(f"patronymic:{word.lower()}")
            continue
        role = PATRONYMIC if patronymic and k < first_head else NAME
        parts.extend((p, role) for p in _SPLIT.split(word.upper().replace(".", " ")) if p)

    # Join particles to the family name they belong to (Da Costa / Dacosta, Al Zawahiri).
    joined: list[tuple[str, str, str]] = []  # (text, role, the word after an Arabic article)
    i = 0
    while i < len(parts):
        text_i, role_i = parts[i]
        if (text_i in rules.particles or text_i in _ARTICLES) and i + 1 < len(parts):
            j = i
            acc = ""
            while j < len(parts) - 1 and (
                parts[j][0] in rules.particles or parts[j][0] in _ARTICLES
            ):
                acc += parts[j][0]
                j += 1
            acc += parts[j][0]
            fired.append(f"particle:{' '.join(p for p, _ in parts[i : j + 1])}")
            article = all(parts[k][0] in _ARABIC_ARTICLES for k in range(i, j))
            joined.append((acc, parts[j][1], parts[j][0] if article else ""))
            i = j + 1
            continue
        joined.append((text_i, role_i, ""))
        i += 1

    tokens: list[NameToken] = []
    for text_i, role_i, after_article in joined:
        role = role_i
        if text_i == "M" and role == NAME and not any(t.role == NAME for t in tokens):
            # Passports print "M FIRMAN" for M. Firman: a leading bare M is Muhammad.
            text_i = "MUHAMMAD"
            fired.append("abbreviation:M->MUHAMMAD")
        if len(text_i) == 1 and text_i.isalpha() and role == NAME:
            role = INITIAL
        key, key_rules = spelling_key(text_i)
        weight = 1.0
        if role == LOW:
            weight = LOW_WEIGHT
        elif role == INITIAL:
            weight = 0.5
        elif key in _COMMON_KEYS:
            weight = COMMON_WEIGHT
        if after_article:
            sound, sound_rules = sound_key(spelling_key(after_article)[0])
            sound_rules = ("article", *sound_rules)
        else:
            sound, sound_rules = sound_key(key)
        tokens.append(NameToken(text_i, key, role, weight, key_rules, sound, sound_rules))
    return NormalisedName(raw, tuple(tokens), tuple(dict.fromkeys(fired)), _looks_korean(tokens))


# Korean family names in their usual romanisations (North and South, old and new).
KOREAN_FAMILY_NAMES = frozenset(
    [
        "KIM",
        "GIM",
        "LEE",
        "RI",
        "YI",
        "PAK",
        "PARK",
        "BAK",
        "CHOE",
        "CHOI",
        "JO",
        "CHO",
        "JONG",
        "JUNG",
        "CHONG",
        "CHUNG",
        "JEONG",
        "KANG",
        "GANG",
        "YUN",
        "YOON",
        "JANG",
        "CHANG",
        "HAN",
        "SIN",
        "SHIN",
        "RYU",
        "RYOO",
        "YU",
        "SO",
        "SEO",
        "HWANG",
        "AN",
        "AHN",
        "SONG",
        "HONG",
        "KO",
        "GO",
        "MUN",
        "MOON",
        "NAM",
        "PAEK",
        "BAEK",
        "PAE",
        "BAE",
        "RIM",
        "LIM",
        "IM",
        "HYON",
        "HYUN",
        "KWON",
        "GWON",
        "JON",
        "JEON",
        "CHON",
        "CHUN",
        "KIL",
        "GIL",
        "RO",
        "ROH",
        "NO",
        "HO",
        "HEO",
        "HUH",
        "TONG",
        "DONG",
        "JU",
        "CHU",
        "SON",
        "SOHN",
        "KWAK",
        "PYON",
        "RA",
        "NA",
        "CHA",
        "PYO",
        "KYE",
        "OM",
        "EOM",
        "UM",
        "WON",
    ]
)
# Korean syllables are short; a joined given name (CHOLSONG) is at most two of them.
_KOREAN_MAX_PART = 8


def _looks_korean(tokens: list[NameToken]) -> bool:
    parts = [t for t in tokens if t.role != INITIAL]
    return (
        len(parts) >= 2
        and any(t.text in KOREAN_FAMILY_NAMES for t in parts)
        and all(len(t.text) <= _KOREAN_MAX_PART for t in parts)
    )


_KOREAN_FOLDS = (
    ("NG", "@"),  # final ng stays apart from the g/k fold
    ("CH", "J"),
    ("TS", "J"),
    ("SH", "S"),
    ("G", "K"),
    ("D", "T"),
    ("B", "P"),
    ("L", "R"),
    ("EO", "O"),
    ("EU", "U"),
    ("OO", "U"),
    ("AE", "E"),
    ("OE", "E"),
)


@lru_cache(maxsize=50_000)
def korean_key(text: str) -> str:
    """Romanisation key of a Korean name part: the consonant pairs the McCune-Reischauer and
    Revised systems write differently (ch/j, k/g, t/d, p/b, r/l) and the vowels (o/eo, u/eu,
    ae/e) coincide: CHONG/JONG, CHO/JO, KYU/GYU, POK/BOK, CHAE/JAE."""
    s = text
    for src, dst in _KOREAN_FOLDS:
        s = s.replace(src, dst)
    out: list[str] = []
    for c in s:
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


_COMMON_KEYS = frozenset(spelling_key(t)[0] for t in COMMON_TOKENS)
