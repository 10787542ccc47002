"""Phone numbers for the demo: drawn valid per country, then written in many styles.

Apart from the people module because both the invention (drawing numbers) and
every export (formatting them) need it, and because it alone talks to
``phonenumbers``.
"""

from __future__ import annotations

import random
import re

import numpy as np
import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from steward.demo.contacts import PHONE_PREFIXES

_PHONE_TYPES = {"mobile": PhoneNumberType.MOBILE, "fixed": PhoneNumberType.FIXED_LINE}


def draw_phone_numbers(country: str, kind: str, count: int, rng: np.random.Generator, used: set) -> list[tuple]:
    """``count`` distinct valid numbers: (e164, international, national, country_code).

    Template = phonenumbers' example number of that type (its length); the leading
    digits come from PHONE_PREFIXES, the rest is random, and every candidate is
    checked with ``is_valid_number`` (invalid ones are simply drawn again)."""
    if count <= 0:
        return []
    template = phonenumbers.example_number_for_type(country, _PHONE_TYPES[kind])
    cc = template.country_code
    length = len(str(template.national_number))
    prefixes = PHONE_PREFIXES[kind][country]
    out: list[tuple] = []
    for _attempt in range(200):
        batch = max(64, int((count - len(out)) * 1.6))
        which = rng.integers(0, len(prefixes), size=batch).tolist()
        short = (rng.random(batch) < 0.5).tolist()
        digits = rng.integers(0, 10**9, size=batch).tolist()
        for p_idx, shorter, rest in zip(which, short, digits):
            prefix = prefixes[p_idx]
            rest_len = length - len(prefix)
            if shorter and country == "DE" and prefix.startswith("17"):
                rest_len -= 1  # 0171 1234567 (10 digits) next to 0176 12345678 (11)
            candidate = prefix + f"{rest % 10**rest_len:0{rest_len}d}"
            key = (cc, candidate)
            if key in used:
                continue
            number = phonenumbers.PhoneNumber(country_code=cc, national_number=int(candidate))
            if not phonenumbers.is_valid_number(number) or phonenumbers.region_code_for_number(number) != country:
                continue
            used.add(key)
            out.append((
                f"+{cc}{candidate}",
                phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL),
                phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL),
                cc,
            ))
            if len(out) == count:
                return out
    raise RuntimeError(f"cannot draw {count} valid {kind} numbers for {country}")


def format_phone(number: tuple, style: str, R: random.Random) -> str:
    """One number from ``draw_phone_numbers`` written the way a system's users type it."""
    e164, intl, natl, _cc = number
    if style == "e164":
        return e164
    if style == "intl":
        return intl
    if style == "natl":
        return natl
    if style == "00dash":  # "0049-171-2345678"
        return "00" + re.sub(r"[ \-]+", "-", intl[1:])
    if style == "dots":  # "+1 415.555.0132 ext. 12"
        head, _, tail = intl.partition(" ")
        text = head + " " + ".".join(re.split(r"[ \-]+", tail))
        if R.random() < 0.5:
            text += f" ext. {R.randrange(10, 400)}"
        return text
    if style == "digits":  # national digits only: "01712345678"
        return re.sub(r"\D", "", natl)
    raise ValueError(style)
