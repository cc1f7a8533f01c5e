"""Arithmetic and unit conversion, spoken or typed, computed exactly.

Arithmetic is parsed with Python's own parser and evaluated over a whitelist of number nodes and
operators with exact fractions: nothing is ever eval'd. Units are pint's.
"""
from __future__ import annotations

import ast
import math
import operator
import re
from fractions import Fraction
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, field_validator
from text_to_num import alpha2digit

from skills.sdk import SkillContext, SkillError, SkillResult, skill

_WORDS = [  # spoken operators, longest first
    (r"\bsquare root of ([\d.]+)", r"sqrt(\1)"), (r"\b([\d.]+) percent of\b", r"(\1/100)*"),
    (r"\bto the power of\b", "**"), (r"\bsquared\b", "**2"), (r"\bcubed\b", "**3"),
    (r"\bmultiplied by\b|\btimes\b|(?<=\d) x (?=\d)", "*"), (r"\bdivided by\b|\bover\b", "/"),
    (r"\bplus\b|\badded to\b", "+"), (r"\bminus\b|\bless\b", "-"), (r"\bmodulo\b|\bmod\b", "%"),
    (r"\bpercent\b|%", "/100"), (r"(?<=\d),(?=\d{3})", ""),
]
_FILLER = re.compile(r"^(?:(?:what(?:'s| is)|how much is|calculate|compute|work out|solve|tell me|convert)\s+)?(?:the\s+)?"
                     r"|[?=]|\s+equals?$")
_CONVERSION = re.compile(r"^(?:convert\s+)?(?P<amount>[\d.]+\s*[^\d]+?)\s+(?:to|in|into)\s+(?P<unit>[a-z° ]+)$")
_HOW_MANY = re.compile(r"^(?:how many )?(?P<unit>[a-z° ]+?) (?:are )?(?:in|is) (?:a |an |1 )?(?P<amount>[\d.]*\s*[a-z° ]+)$")
_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
              ast.Pow: operator.pow, ast.Mod: operator.mod}
MAX_EXPONENT = 64


class Expression(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expression: str = Field(description="The sum or conversion as said, e.g. '24 times 24' or '5 miles in km'",
                            min_length=1, max_length=120)

    @field_validator("expression")
    @classmethod
    def _is_math(cls, text: str) -> str:
        """Numbers with an operator, or a quantity and a unit: so a question that merely starts
        like a sum ("what is the capital of France") is not taken for one."""
        spoken = spoken_math(text)
        arithmetic = re.search(r"\d", spoken) and re.search(r"[-+*/%]|sqrt", _symbols(spoken))
        if not (arithmetic or _conversion(spoken)):
            raise ValueError("not a calculation: it needs numbers with an operation, or a quantity and a unit")
        return text


def spoken_math(text: str) -> str:
    return _FILLER.sub("", alpha2digit(text.lower().strip(), "en")).strip()


@skill(
    name="Calculate",
    description="Work out arithmetic or convert units exactly, e.g. '24 times 24', '5 miles in km'",
    risk="read",
    examples=[
        "(calculate|compute|work out|solve) {expression}",
        "(what is|what's|how much is) {expression}",
        "convert {expression}",
        "how many {expression}",
    ],
    phrasings=["what('s| is) {number} (plus|minus|times|divided by|multiplied by|to the power of) {number}",
               "how much is {number} (plus|minus|times|divided by) {number}",
               "(convert|change) {number} {unit} (to|into) {unit}", "how many {unit} (are in|in) [a|one] {unit}",
               "what('s| is) {number} percent of {number}", "(what is|calculate) the square root of {number}",
               "(calculate|work out|compute) {thing}", "what is {number} {unit} in {unit}"],
)
def calculate(args: Expression, ctx: SkillContext) -> SkillResult:
    spoken = spoken_math(args.expression)
    if conversion := _conversion(spoken):
        return _convert(conversion["amount"], conversion["unit"])
    value = evaluate(_symbols(spoken))
    return SkillResult(speech=f"{_say_expression(spoken)} is {say_number(value)}.", data={"value": float(value)})


def _conversion(spoken: str) -> re.Match | None:
    """"5 miles in km", "how many cups in a liter": a quantity with a unit, and a unit wanted,
    both units pint knows ("how many people live in paris" is no conversion)."""
    found = _CONVERSION.match(spoken) or _HOW_MANY.match(spoken)
    if not found or not re.search(r"[a-z]", found["amount"]):
        return None
    unit_from = re.sub(r"^[\d.]+\s*", "", found["amount"])
    return found if _is_unit(unit_from) and _is_unit(found["unit"]) else None


def _is_unit(text: str) -> bool:
    import pint

    try:
        _units().parse_units(text.strip())
    except (pint.errors.UndefinedUnitError, ValueError, AttributeError, TypeError):
        return False
    return True


def _symbols(spoken: str) -> str:
    for pattern, replacement in _WORDS:
        spoken = re.sub(pattern, replacement, spoken)
    return spoken


def evaluate(expression: str) -> Fraction | float:
    """The value of an arithmetic expression over numbers, + - * / % ** and sqrt(), exactly where it can be."""
    try:
        return _value(ast.parse(expression, mode="eval").body)
    except (SyntaxError, ValueError, TypeError) as exc:
        raise SkillError(f"I couldn't work out '{expression}'.") from exc
    except ZeroDivisionError:
        raise SkillError("That divides by zero, which has no answer.") from None


def _value(node: ast.AST) -> Fraction | float:
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
        return Fraction(str(node.value))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return -_value(node.operand) if isinstance(node.op, ast.USub) else _value(node.operand)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        left, right = _value(node.left), _value(node.right)
        if isinstance(node.op, ast.Pow) and abs(right) > MAX_EXPONENT:
            raise ValueError("exponent too large")
        return _OPERATORS[type(node.op)](left, right)
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "sqrt" and len(node.args) == 1:
        return _sqrt(_value(node.args[0]))
    raise ValueError(f"not arithmetic: {ast.dump(node)[:40]}")


def _sqrt(value: Fraction | float) -> Fraction | float:
    if value < 0:
        raise ValueError("square root of a negative number")
    if isinstance(value, Fraction) and all(math.isqrt(n) ** 2 == n for n in (value.numerator, value.denominator)):
        return Fraction(math.isqrt(value.numerator), math.isqrt(value.denominator))
    return math.sqrt(value)


def say_number(value: Fraction | float) -> str:
    if isinstance(value, Fraction) and value.denominator == 1:
        return f"{value.numerator:,}"
    rounded = f"{float(value):,.6g}" if abs(value) < 1e15 else f"{float(value):.6e}"
    exact = isinstance(value, Fraction) and Fraction(rounded.replace(",", "")) == value
    return rounded if exact else f"about {rounded}"


def _say_expression(spoken: str) -> str:
    return spoken[:1].upper() + spoken[1:]


@cache
def _units():
    import pint

    return pint.UnitRegistry()


def _convert(amount: str, unit: str) -> SkillResult:
    import pint

    number, unit_from = re.fullmatch(r"([\d.]*)\s*(.+)", amount.strip()).groups()
    try:  # value and unit apart, so offset units (degrees Fahrenheit) convert too
        result = _units().Quantity(float(number or 1), unit_from).to(unit.strip())
    except (pint.errors.UndefinedUnitError, pint.errors.DimensionalityError, AttributeError, ValueError) as exc:
        raise SkillError(f"I can't convert {amount.strip()} to {unit.strip()}.") from exc
    value = Fraction(str(round(result.magnitude, 10)))
    return SkillResult(speech=f"{number or 1} {unit_from} is {say_number(value)} {unit.strip()}.",
                       data={"value": float(result.magnitude), "unit": str(result.units)})
