"""What a subnet is meant to be: public, private, or unknown.

In order: `Metadata: {vpclint: {tier: private|public}}` on the subnet, then the words of its
logical ID and its Name tag (configurable: `private-words`, `public-words`). Words are matched
whole ("PrivateSubnet1A" → private, subnet, 1, a), so "Publication" is not "public".
Conflicting signals give unknown. When both say nothing, the builder weighs
`MapPublicIpOnLaunch` once routes and workloads are known (vpclint.builder.vpc.weigh_public_flag).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from vpclint.model import Intent, Tier
from vpclint.values import UNKNOWN_PART, Unknown

PRIVATE_WORDS = ("private", "priv", "isolated", "protected")
PUBLIC_WORDS = ("public", "pub", "dmz")
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def words(text: str) -> list[str]:
    """The lower-case words of an identifier or name: camelCase, snake_case, kebab-case."""
    return [word.lower() for word in _WORD.findall(text.replace(UNKNOWN_PART, " "))]


def tier_of_text(
    text: str,
    private_words: Collection[str] = PRIVATE_WORDS,
    public_words: Collection[str] = PUBLIC_WORDS,
) -> Tier:
    found = set(words(text))
    private, public = bool(found & set(private_words)), bool(found & set(public_words))
    if private == public:
        return Tier.UNKNOWN
    return Tier.PRIVATE if private else Tier.PUBLIC


def name_tag(tags: Any) -> str | None:
    """The Name tag's value (its known text, when built from unknown parts)."""
    if not isinstance(tags, list):
        return None
    for tag in tags:
        if isinstance(tag, dict) and tag.get("Key") == "Name":
            value = tag.get("Value")
            if isinstance(value, Unknown):
                return value.text
            return value if isinstance(value, str) else None
    return None


def subnet_intent(
    logical_id: str,
    metadata: Any,
    tags: Any,
    private_words: Collection[str] = PRIVATE_WORDS,
    public_words: Collection[str] = PUBLIC_WORDS,
) -> Intent:
    declared = _declared_tier(metadata)
    if declared is not None:
        return Intent(declared, "Metadata vpclint.tier")
    signals: list[tuple[Tier, str]] = []
    by_id = tier_of_text(logical_id, private_words, public_words)
    if by_id is not Tier.UNKNOWN:
        signals.append((by_id, f"its logical ID {logical_id}"))
    name = name_tag(tags)
    if name:
        by_name = tier_of_text(name, private_words, public_words)
        if by_name is not Tier.UNKNOWN:
            shown = name.replace(UNKNOWN_PART, "…")
            signals.append((by_name, f"its Name tag {shown!r}"))
    tiers = {tier for tier, _ in signals}
    if len(tiers) != 1:
        return Intent(Tier.UNKNOWN)
    return Intent(tiers.pop(), " and ".join(source for _, source in signals))


def _declared_tier(metadata: Any) -> Tier | None:
    settings = metadata.get("vpclint") if isinstance(metadata, dict) else None
    tier = settings.get("tier") if isinstance(settings, dict) else None
    if isinstance(tier, str) and tier.lower() in ("public", "private"):
        return Tier(tier.lower())
    return None
