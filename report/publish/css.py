"""Drop the theme's CSS rules that nothing in the book can match (PurgeCSS's method, in Python).

pydata-sphinx-theme ships one 397 KB stylesheet (Bootstrap and every component the theme
offers) that blocks the first paint of every page; this book uses a fraction of it. The
method is PurgeCSS's default one: every word that could be a class or id name is collected
from the built pages *and* from every script shipped with them (scripts add classes such as
``show`` or ``active`` as the reader clicks), and a rule is kept when one of its selectors
names only classes and ids found there. Everything that is not a style rule (``@font-face``,
``@keyframes``, custom properties, ``@media`` blocks, whose rules are filtered the same way)
is kept, so is any selector with an attribute or a tag only (``html[data-theme=dark]``, dark
mode's variables). The stylesheet is parsed with ``tinycss2`` and written back token for
token, so what is kept is byte-for-byte the theme's own CSS.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import tinycss2

#: Words that could be class or id names in a page or script.
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
#: A selector's class and id names (escaped characters are kept whole, and keep their rule).
_NAMES = re.compile(r"[.#](-?[A-Za-z_][A-Za-z0-9_-]*)")


def words(texts: Iterable[str]) -> set[str]:
    """Every word of the texts that could name a class or an id."""
    found: set[str] = set()
    for text in texts:
        found.update(_WORD.findall(text))
    return found


def _selector_used(selector: str, used: set[str]) -> bool:
    """Whether every class and id that ``selector`` names is in ``used``."""
    if "\\" in selector:  # escaped names (Tailwind-like) are rare here: keep them
        return True
    # pseudo-classes with arguments name classes inside, e.g. :not(.x): those do not need to
    # exist for the selector to match, so they are not required
    bare = re.sub(r":(?:not|where|is|has)\([^()]*\)", "", selector)
    return all(name in used for name in _NAMES.findall(bare))


def _keep_rule(rule: tinycss2.ast.QualifiedRule, used: set[str]) -> bool:
    prelude = tinycss2.serialize(rule.prelude)
    return any(_selector_used(s.strip(), used) for s in prelude.split(","))


def _filter(rules: list, used: set[str]) -> list:
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            if _keep_rule(rule, used):
                kept.append(rule)
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports", "layer"):
            if rule.content is None:
                kept.append(rule)
                continue
            inner = _filter(tinycss2.parse_rule_list(rule.content), used)
            if inner:
                rule.content = [t for r in inner for t in (r, _NEWLINE)]
                kept.append(rule)
        elif rule.type in ("at-rule", "qualified-rule"):
            kept.append(rule)
        elif rule.type == "comment" and tinycss2.serialize([rule]).startswith("/*!"):
            kept.append(rule)  # licence comments stay
    return kept


_NEWLINE = tinycss2.ast.WhitespaceToken(0, 0, "\n")


def purge(css: str, used: set[str]) -> str:
    """``css`` without the style rules none of whose selectors can match ``used`` names."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=False, skip_whitespace=True)
    return "\n".join(tinycss2.serialize([r]) for r in _filter(rules, used)) + "\n"


def book_words(outdir: Path) -> set[str]:
    """The class and id words of every built page and every script the book ships."""
    files = [*outdir.rglob("*.html"), *(outdir / "_static").rglob("*.js")]
    return words(p.read_text(encoding="utf-8", errors="replace") for p in files)
