"""Derived indicators and validation rules: arithmetic over indicator codes.

Only numbers, codes, + − × ÷ and parentheses are allowed; anything else is refused when
the formula is saved, never executed.
"""

import ast
import operator
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.utils.translation import gettext as _

OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
COMPARISONS = {
    "<=": operator.le,
    "<": operator.lt,
    ">=": operator.ge,
    ">": operator.gt,
    "==": operator.eq,
}


class FormulaError(ValueError):
    pass


@lru_cache(maxsize=4096)
def _parse(formula: str) -> ast.Expression:
    try:
        tree = ast.parse((formula or "").strip(), mode="eval")
    except SyntaxError:
        raise FormulaError(
            _("Công thức “%(formula)s” viết sai cú pháp.") % {"formula": formula}
        ) from None
    for node in ast.walk(tree):
        allowed = (
            isinstance(node, ast.Expression | ast.BinOp | ast.UnaryOp | ast.Name | ast.Load)
            or isinstance(node, tuple(OPERATORS) + (ast.USub, ast.UAdd))
            or (isinstance(node, ast.Constant) and type(node.value) in (int, float))
        )
        if not allowed:
            raise FormulaError(
                _("Công thức “%(formula)s” chỉ được dùng mã chỉ tiêu, số và + − × ÷ ( ).")
                % {"formula": formula}
            )
    return tree


def formula_codes(formula: str) -> set[str]:
    return set(_codes(formula))


@lru_cache(maxsize=4096)
def _codes(formula: str) -> frozenset[str]:
    return frozenset(node.id for node in ast.walk(_parse(formula)) if isinstance(node, ast.Name))


@lru_cache(maxsize=256)
def _order(formulas: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """The formulas in an order where each comes after the derived codes it uses."""
    pending = dict(formulas)
    ordered = []
    while pending:
        ready = [c for c, f in pending.items() if not (_codes(f) & set(pending) - {c})]
        if not ready:
            raise FormulaError(_("Các công thức chỉ tiêu tham chiếu vòng tròn lẫn nhau."))
        for code in ready:
            ordered.append((code, pending.pop(code)))
    return tuple(ordered)


def evaluate(formula: str, values: Mapping[str, Decimal | None]) -> Decimal | None:
    """The formula's value, or None when a code has no value or a divisor is zero."""

    def walk(node):
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant):
            return Decimal(str(node.value))
        if isinstance(node, ast.Name):
            value = values.get(node.id)
            return None if value is None else Decimal(value)
        if isinstance(node, ast.UnaryOp):
            operand = walk(node.operand)
            if operand is None:
                return None
            return -operand if isinstance(node.op, ast.USub) else operand
        left, right = walk(node.left), walk(node.right)
        if left is None or right is None:
            return None
        try:
            return OPERATORS[type(node.op)](left, right)
        except (ZeroDivisionError, InvalidOperation):
            return None

    return walk(_parse(formula))


def derive(values: Mapping[str, Decimal | None], formulas: Mapping[str, str]) -> dict:
    """Fill in derived codes from the others, in dependency order.

    A percentage is always computed from summed parts, never averaged: call this after
    adding up the typed figures.
    """
    result = dict(values)
    for code, formula in _order(tuple(sorted(formulas.items()))):
        value = evaluate(formula, result)
        result[code] = None if value is None else value.quantize(Decimal("0.01"))
    return result


def rule_holds(left: str, comparison: str, right: str, values: Mapping) -> bool | None:
    """None when the rule cannot be checked yet (a figure is missing)."""
    a, b = evaluate(left, values), evaluate(right, values)
    if a is None or b is None:
        return None
    return COMPARISONS[comparison](a, b)
