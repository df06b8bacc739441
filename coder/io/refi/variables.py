"""Typed variable values: REFI-QDA ``VariableValue`` elements <-> ``coder`` attribute values."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from decimal import Decimal

from coder.domain.documents import AttributeValue
from coder.io.refi.model import VariableType

#: Value element name for each variable type.
VALUE_ELEMENT = {
    VariableType.TEXT: "TextValue",
    VariableType.BOOLEAN: "BooleanValue",
    VariableType.INTEGER: "IntegerValue",
    VariableType.FLOAT: "FloatValue",
    VariableType.DATE: "DateValue",
    VariableType.DATETIME: "DateTimeValue",
}
_TYPE_OF_ELEMENT = {v: k for k, v in VALUE_ELEMENT.items()}


def parse_value(element_name: str, text: str) -> AttributeValue:
    """The attribute value of a ``<TextValue>``, ``<IntegerValue>``... element.

    ``DateTime`` values are kept as their ISO text (``coder`` attributes have dates, not
    times). Raises ``ValueError`` with a short reason for a value its element cannot hold.
    """
    kind = _TYPE_OF_ELEMENT.get(element_name)
    if kind is None:
        raise ValueError(f"unknown value element <{element_name}>")
    value = text.strip()
    if kind is VariableType.TEXT:
        return text
    if kind is VariableType.BOOLEAN:
        if value.lower() in ("true", "1"):
            return True
        if value.lower() in ("false", "0"):
            return False
        raise ValueError(f"{value!r} is not a boolean")
    if kind is VariableType.INTEGER:
        try:
            return int(value)
        except ValueError:
            raise ValueError(f"{value!r} is not an integer") from None
    if kind is VariableType.FLOAT:
        try:
            return float(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a number") from None
    if kind is VariableType.DATE:
        # xsd:date may carry a time zone ("2021-03-04Z", "2021-03-04+01:00"): a date is a date.
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None
    return value


def type_of(values: Iterable[AttributeValue]) -> VariableType:
    """One variable type that holds all ``values`` (integers and decimals mix as Float;
    anything else mixed becomes Text)."""
    kinds = set()
    for v in values:
        if isinstance(v, bool):
            kinds.add(VariableType.BOOLEAN)
        elif isinstance(v, int):
            kinds.add(VariableType.INTEGER)
        elif isinstance(v, float):
            kinds.add(VariableType.FLOAT)
        elif isinstance(v, dt.date):
            kinds.add(VariableType.DATE)
        else:
            kinds.add(VariableType.TEXT)
    if len(kinds) == 1:
        return kinds.pop()
    if kinds == {VariableType.INTEGER, VariableType.FLOAT}:
        return VariableType.FLOAT
    return VariableType.TEXT


def format_value(value: AttributeValue, kind: VariableType) -> str:
    """The text of a value element of type ``kind`` for ``value``."""
    if kind is VariableType.BOOLEAN:
        return "true" if value else "false"
    if (
        kind is VariableType.FLOAT
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    ):
        # xsd:decimal has no exponent form: 1e-05 must be written 0.00001.
        if not math.isfinite(value):
            raise ValueError(f"{value!r} cannot be written as a decimal")
        return format(Decimal(repr(float(value))), "f")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
