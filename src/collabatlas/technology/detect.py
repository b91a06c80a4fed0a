"""Detect catalog models in titles/abstracts and classify each mention.

Matching: LaTeX math, markup and URLs are blanked (offsets are kept), aliases
must sit on word boundaries, catalog ``exclude`` regexes veto matches (power
transformer, Claude Shannon, Gemini constellation). All models are scanned in
one pass, so the leftmost name wins an overlap (``Stable Diffusion`` beats
``diffusion``, ``Vision Transformer`` beats ``Transformer``). A shared acronym (``SAM``,
``GLM``, ``OPT``) is resolved once per text: its in-text definition
("Sharpness-Aware Minimization (SAM)") decides, a foreign definition
("Spatial Alignment Module (SAM)") drops it; otherwise a full alias of a
candidate in the text, then the candidate with most context cues, then the
candidate marked ``acronym_default``.

Role rules, decided per sentence, first hit wins:

* ``compared`` -> mentions: the nearest cue before the mention in its clause is
  a comparison (compared to/with, outperforms, surpasses, than, unlike, vs.,
  against, rivals, on par with, gains over, alternative to, prior work on), or
  an example cue right after one ("outperforms baselines such as X").
* ``title`` -> uses: any other model named in a paper title.
* ``used_after`` -> uses: a passive use follows the name in its clause ("X is used to",
  "X are incorporated").
* ``background_cue`` -> mentions: ``X-like``, or a sentence not about the
  authors' work that reads as background (recently, has shown/achieved...),
  unless a use verb sits at most four words before the name ("leveraging the
  recent idea of X").
* ``used_as`` -> uses: the name is followed by ``-based``/``-guided``,
  ``backbone``, ``encoder``, ``features``, ``as a/the ...``.
* ``use_verb`` -> uses: the nearest cue before it is a use verb (fine-tune,
  based on, built on/upon, on top of, adopt, employ, leverage, utilize, use,
  initialize from, apply, adapt, extend, distil, train, evaluate, learn a,
  composed of, implemented by, combine, via, ...).
* ``example_list`` -> mentions: it follows "such as"/"like"/"e.g."/"including"
  in a sentence that does not speak about the authors' own work.
* ``own_work`` -> uses: the sentence speaks about the authors' work (we, our,
  this paper/work/study, the proposed, experiments).
* ``checkpoint`` -> uses: a concrete checkpoint size follows (``Llama-2-7B``).
* ``background`` -> mentions: anything else.

A derived family whose catalog entry ``counts_as_base`` adds a second mention of the base at the
same place, with the rule suffixed ``via <derived id>`` ("use_verb via sentence-bert").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from collabatlas.technology.catalog import TAIL, Catalog, CompiledModel

Role = Literal["uses", "mentions"]

# A "$" followed by an amount ("$400,000", "$5M", "$1.2 billion") is money, not the start of math.
_MONEY = r"\$(?=\d[\d,]*(?:\.\d+)?(?:\s?(?:[kKMB]|thousand|million|billion|USD))?(?:[\s,;:!?)]|\.(?!\d)|$))"
_MATH = re.compile(rf"\$\$.*?\$\$|(?!{_MONEY})\$[^$]*(?<!\\)\$|\\\(.*?\\\)|\\\[.*?\\\]", re.DOTALL)
_URL = re.compile(r"\\url\{[^}]*\}|https?://\S+|www\.\S+")
_COMMAND = re.compile(r"\\[A-Za-z]+\*?|[{}~]|\\(?=[#%&_$])")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])")
_CLAUSE_BREAK = re.compile(r"[;:]|\b(?:while|whereas|but|which|where|although|however)\b", re.IGNORECASE)
_CHECKPOINT = re.compile(r"\d+(?:\.\d+)?\s?[BM]\b")

_COMPARE = (
    r"compar\w*(?:\s+[\w-]+){0,3}?\s+(?:to|with|against)|out-?perform\w*|surpass\w*|"
    r"exceed\w*|beat\w*|than|unlike|vs\.?|versus|against|rival\w*|on par with|similar to|"
    r"competitive with|inspired by|relative to|(?:wins?|gains?|improvements?) over|"
    r"alternatives? to|"
    r"(?:previous|prior|earlier) (?:work|findings|studies|methods|approaches|attempts)"
)
_USE = (
    r"fine-?tun\w*|based on|buil[dt]s? (?:on|upon)|on top of|adopt\w*|employ\w*|leverag\w*|"
    r"utili[sz]\w*|using|uses?|use of|initiali[sz]\w* (?:from|with)|appl(?:y|ies|ied|ying)|"
    r"adapt\w*|extend\w*|distill?\w*|train\w*|pre-?train\w*|evaluat\w*|integrat\w*|incorporat\w*|"
    r"prompt\w*|examine\w*|analy[sz]\w*|investigat\w*|probe\w*|within|inside|into|"
    r"learn(?:s|ing|ed)? (?:a|an|the)|compos\w* of|consists? of|implemented (?:by|with)|equipped with|"
    r"combin\w*|via|incorporat\w*"
)
_EXAMPLE = r"such as|like|e\.g\.,?|including|namely"
_CUES = re.compile(
    rf"\b(?:(?P<compare>{_COMPARE})|(?P<use>{_USE})|(?P<example>{_EXAMPLE}))(?=\W|$)", re.IGNORECASE
)
_USED_AS = re.compile(
    r"^[^\s.,;]*(?:-based|-style|-guided)|^\S*\s+(?:as (?:a |the |our )?\w*\s*)?"
    r"(?:backbones?|encoders?|decoders?|features|embeddings|as (?:a|the|our)\b)",
    re.IGNORECASE,
)
_OWN_WORK = re.compile(
    r"\b(?:we|our|us|this (?:paper|work|study)|the proposed|experiment\w*|empirical\w*)\b",
    re.IGNORECASE,
)
_BACKGROUND = re.compile(
    r"\b(?:recent(?:ly)?|thanks to|attempts|(?:have|has) (?:been |recently )?"
    r"(?:achieved|shown|demonstrated|dominated|become|emerged|revolutioni[sz]ed|drawn|attracted))\b",
    re.IGNORECASE,
)
_LIKE_AFTER = re.compile(r"^-like\b")
# A passive use right after the name, inside its clause: "A Graph Transformer is used to ...".
_USED_AFTER = re.compile(
    r"^\S*(?:\s+(?![Ww]hich\b|[Ww]hile\b|but\b)[\w-]+){0,4}?\s+(?:is|are|was|were)\s+(?:then\s+|also\s+|first\s+)?"
    r"(?:used|employed|adopted|incorporated|integrated|applied|utili[sz]ed|implemented|leveraged|exploited|"
    r"fine-tuned|trained|extended|plugged)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Mention:
    """One detected model mention inside ``text``."""

    model_id: str
    matched: str
    start: int
    end: int
    sentence: str
    role: Role
    rule: str


@dataclass(frozen=True)
class _Hit:
    model_id: str
    core_start: int
    core_end: int
    end: int


def clean_text(text: str) -> str:
    """Blank LaTeX math, markup and URLs with spaces, preserving offsets."""
    for pattern in (_MATH, _URL, _COMMAND):
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return text


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentence spans."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def detect_mentions(text: str, catalog: Catalog, *, is_title: bool = False) -> list[Mention]:
    """Return every catalog mention in ``text`` with its role and deciding rule."""
    cleaned = clean_text(text)
    hits = _dedupe(list(_model_hits(cleaned, catalog)) + list(_acronym_hits(cleaned, catalog)))
    mentions = []
    for start, end in sentence_spans(cleaned):
        for hit in (h for h in hits if start <= h.core_start < end):
            role, rule = classify_role(
                cleaned[start:end], hit.core_start - start, hit.core_end - start, is_title
            )
            sentence = " ".join(text[start:end].split())
            matched = text[hit.core_start : hit.end]
            mentions.append(Mention(hit.model_id, matched, hit.core_start, hit.end, sentence, role, rule))
            base = catalog.bases.get(hit.model_id)
            if base is not None:
                via = f"{rule} via {hit.model_id}"
                mentions.append(Mention(base, matched, hit.core_start, hit.end, sentence, role, via))
    return mentions


def detect_batch(rows: Iterable[tuple[str, str, str]], catalog: Catalog) -> list[dict[str, str | int]]:
    """Detect mentions in ``(paper_id, title, abstract)`` rows, one dict per mention.

    ``start``/``end`` are the character offsets of ``matched`` inside its field.
    """
    out: list[dict[str, str | int]] = []
    for paper_id, title, abstract in rows:
        for field, text in (("title", title), ("abstract", abstract)):
            for m in detect_mentions(text or "", catalog, is_title=field == "title"):
                out.append(
                    {
                        "paper_id": paper_id,
                        "model_id": m.model_id,
                        "field": field,
                        "matched": m.matched,
                        "start": m.start,
                        "end": m.end,
                        "sentence": m.sentence,
                        "role": m.role,
                        "rule": m.rule,
                    }
                )
    return out


def classify_role(sentence: str, start: int, end: int, is_title: bool = False) -> tuple[Role, str]:
    """Classify the mention at ``sentence[start:end]`` as uses/mentions; return (role, rule)."""
    before = sentence[:start]
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(before)]
    clause = before[breaks[-1] if breaks else 0 :]
    cues = [m for m in _CUES.finditer(clause)]
    cue = cues[-1].lastgroup if cues else None
    if cue == "compare" or (cue == "example" and len(cues) > 1 and cues[-2].lastgroup == "compare"):
        return "mentions", "compared"
    if is_title:
        return "uses", "title"
    own = bool(_OWN_WORK.search(sentence))
    if _USED_AFTER.match(sentence[end:]):
        return "uses", "used_after"
    near_use = cue == "use" and len(clause[cues[-1].end() :].split()) <= 4
    if _LIKE_AFTER.match(sentence[end:]) or (not own and not near_use and _BACKGROUND.search(sentence)):
        return "mentions", "background_cue"
    if _USED_AS.search(sentence[end - 1 :]):
        return "uses", "used_as"
    if cue == "use":
        return "uses", "use_verb"
    if cue == "example" and not own:
        return "mentions", "example_list"
    if own:
        return "uses", "own_work"
    if _CHECKPOINT.search(sentence[start : end + 8]):
        return "uses", "checkpoint"
    return "mentions", "background"


def _model_hits(text: str, catalog: Catalog) -> Iterator[_Hit]:
    vetoed: dict[int, list[tuple[int, int]]] = {}
    for match in catalog.combined.finditer(text):
        index = int(str(match.lastgroup)[1:])
        compiled = catalog.compiled[index]
        start, core_end = match.span()
        tail = TAIL.match(text, core_end)
        end = tail.end() if tail else core_end
        if index not in vetoed:
            vetoed[index] = _excluded_spans(text, compiled)
        if not any(s < end and start < e for s, e in vetoed[index]):
            yield _Hit(compiled.model.id, start, core_end, end)


def _excluded_spans(text: str, compiled: CompiledModel) -> list[tuple[int, int]]:
    return [m.span() for pattern in compiled.exclude for m in pattern.finditer(text)]


def _acronym_hits(text: str, catalog: Catalog) -> Iterator[_Hit]:
    for acronym, pattern in catalog.acronyms.items():
        matches = list(pattern.finditer(text))
        if not matches:
            continue
        model_id = resolve_acronym(acronym, text, catalog)
        if model_id is not None:
            for match in matches:
                yield _Hit(model_id, match.start("core"), match.end("core"), match.end())


def resolve_acronym(acronym: str, text: str, catalog: Catalog) -> str | None:
    """Decide which catalog model a bare ``acronym`` denotes in ``text`` (None: none)."""
    candidates = [c for c in catalog.compiled if acronym in c.model.acronyms]
    expansions = _definitions(acronym, text)
    if expansions:
        for expansion in expansions:
            for cand in candidates:
                if _names_model(expansion, cand):
                    return cand.model.id
        return None
    for cand in candidates:
        if cand.matcher is not None and cand.matcher.search(text):
            return cand.model.id
    scores = [(sum(1 for p in c.context if p.search(text)), c.model.id) for c in candidates]
    best = max(score for score, _ in scores)
    winners = [model_id for score, model_id in scores if score == best]
    if best > 0 and len(winners) == 1:
        return winners[0]
    defaults = [c.model.id for c in candidates if c.model.acronym_default and c.model.id in winners]
    return defaults[0] if defaults else None


def _definitions(acronym: str, text: str) -> list[str]:
    words = len(acronym) + 1
    before = re.compile(rf"((?:[\w'-]+\s+){{0,{words - 1}}}[\w'-]+)\s*\(\s*{re.escape(acronym)}s?\s*\)")
    after = re.compile(rf"\b{re.escape(acronym)}\s*\(([^()]{{3,80}})\)")
    found = [m.group(1) for m in before.finditer(text)] + [m.group(1) for m in after.finditer(text)]
    return [expansion for expansion in found if acronym not in expansion]


def _names_model(expansion: str, cand: CompiledModel) -> bool:
    lowered = expansion.lower()
    if any(alias.lower() in lowered for alias in cand.model.aliases):
        return True
    return any(p.search(expansion) for p in cand.context)


def _dedupe(hits: list[_Hit]) -> list[_Hit]:
    """Keep the earliest, longest hit wherever matched names overlap."""
    kept: list[_Hit] = []
    for hit in sorted(hits, key=lambda h: (h.core_start, -(h.core_end - h.core_start))):
        if not any(k.core_start < hit.core_end and hit.core_start < k.core_end for k in kept):
            kept.append(hit)
    return kept
