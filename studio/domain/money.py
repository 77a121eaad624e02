"""Money as integer minor units plus an ISO 4217 currency code."""

from __future__ import annotations

import re
from dataclasses import dataclass

from studio.domain.errors import InvalidValue
from studio.i18n import tr

# Minor-unit exponents for the currencies we name; ISO 4217 default is 2.
_EXPONENTS = {"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "HUF": 2, "KWD": 3, "BHD": 3}
_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
_CODE = re.compile(r"^[A-Z]{3}$")
# Thousands grouped by one separator: 1,234 or 1.234.567 (never 0,999 or 12,34,567).
_GROUPED = re.compile(r"[1-9][0-9]{0,2}([.,])[0-9]{3}(?:\1[0-9]{3})*")


def currency_exponent(code: str) -> int:
    return _EXPONENTS.get(code, 2)


@dataclass(frozen=True, order=True)
class Money:
    """An amount in minor units (cents) of ``currency``."""

    minor: int
    currency: str = "USD"

    def __post_init__(self) -> None:
        if not _CODE.match(self.currency):
            raise InvalidValue(tr("'{code}' is not an ISO 4217 currency code (like USD).").format(
                code=self.currency))

    @classmethod
    def parse(cls, text: str, currency: str | None = None) -> Money:
        """Parse what a creator types: ``9.99``, ``9,99``, ``$9.99``, ``9.99 USD``, ``1 234,50 €``.

        Raises InvalidValue with a sentence for the creator.
        """
        raw = text.strip()
        if not raw:
            raise InvalidValue(tr("The price is empty; type an amount such as 9.99."))
        found_currency = None
        for symbol, code in _SYMBOLS.items():
            if symbol in raw:
                found_currency = code
                raw = raw.replace(symbol, "")
        m = re.search(r"(?<![A-Za-z])([A-Za-z]{3})(?![A-Za-z])", raw)
        if m:
            found_currency = m.group(1).upper()
            raw = raw[: m.start()] + raw[m.end() :]
        raw = raw.strip().replace("\u00a0", "").replace(" ", "").replace("'", "")
        if not re.search(r"[0-9]", raw):  # 'abc', 'tbd': words, not a currency and a price
            raise InvalidValue(tr("'{text}' is not a price; type an amount such as 9.99.").format(
                text=text.strip()))
        code = (currency or found_currency or "USD").upper()
        if currency and found_currency and currency.upper() != found_currency:
            raise InvalidValue(
                tr("The price '{text}' is in {found} but the currency is {code}.").format(
                    text=text.strip(), found=found_currency, code=code)
            )
        exp = currency_exponent(code)
        if not re.fullmatch(r"-?[0-9][0-9.,]*", raw):
            raise InvalidValue(tr("'{text}' is not a price; type an amount such as 9.99.").format(
                text=text.strip()))
        if raw.startswith("-"):
            raise InvalidValue(tr("The price '{text}' is negative.").format(text=text.strip()))
        # The last separator followed by 1..exp digits is the decimal mark;
        # any other separator groups thousands.
        whole, frac = raw, ""
        m = re.search(r"[.,]([0-9]*)$", raw)
        if m and 0 < exp < 3 == len(m.group(1)) and len(re.findall(r"[.,]", raw)) == 1:
            # '190.001': cents with a typo, or thousands? A price must not be a guess.
            raise InvalidValue(
                tr("'{text}' is unclear: three digits follow the separator. Type cents with "
                   "two digits (such as 9.99), thousands with no separator (such as 1234)."
                   ).format(text=text.strip()))  # fmt: skip
        if m and exp > 0 and 1 <= len(m.group(1)) <= exp and raw.count(raw[m.start()]) == 1:
            whole, frac = raw[: m.start()], m.group(1)
        elif m and len(m.group(1)) not in (0, 3):
            raise InvalidValue(
                tr("'{text}' has too many decimals for {code} (at most {digits}).").format(
                    text=text.strip(), code=code, digits=exp)
            )
        if re.search(r"[.,]", whole) and not _GROUPED.fullmatch(whole):
            raise InvalidValue(
                tr("'{text}' is not a price: use at most {digits} decimals and group thousands "
                   "by three, like 1,234.50.").format(text=text.strip(), digits=exp)
            )
        whole = whole.replace(",", "").replace(".", "")
        if not whole:
            whole = "0"
        minor = int(whole) * 10**exp + (int(frac.ljust(exp, "0")) if frac else 0)
        return cls(minor, code)

    @classmethod
    def from_major(cls, major: int, currency: str = "USD") -> Money:
        return cls(major * 10 ** currency_exponent(currency), currency)

    def format(self) -> str:
        """``9.99 USD`` style, unambiguous in every locale."""
        exp = currency_exponent(self.currency)
        if exp == 0:
            return f"{self.minor} {self.currency}"
        sign = "-" if self.minor < 0 else ""
        major, minor = divmod(abs(self.minor), 10**exp)
        return f"{sign}{major}.{minor:0{exp}d} {self.currency}"

    def __str__(self) -> str:
        return self.format()
