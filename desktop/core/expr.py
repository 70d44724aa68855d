"""A tiny, safe expression language for computed fields and conditional rules.

Form files say ``compute = "c3_2_diff / c3_2_budget * 100"`` or
``required_when = "c3_2_diff_ratio >= 65"``. Expressions are parsed once with
:mod:`ast`, restricted to arithmetic, comparisons, ``and/or/not`` and ``in``, and
compiled to closures so evaluating them on every keystroke costs microseconds.

Empty values are ``None``. Arithmetic or an ordering comparison on ``None`` (or a
division by zero) makes the whole result *unknown* (:class:`Unknown` is raised);
callers decide what unknown means (a computed field stays blank, a rule is skipped).
Equality and ``in`` treat ``None`` as an ordinary empty value.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, DivisionByZero, InvalidOperation
from typing import Any

Env = Mapping[str, Any]


class ExprError(ValueError):
    """The expression text is not allowed or does not parse."""


class Unknown(Exception):
    """The expression cannot be decided because an input is missing."""


MAX_SOURCE = 2000
MAX_CONSTANT = Decimal(10) ** 18


@dataclass(frozen=True)
class Expr:
    source: str
    names: frozenset[str]
    fn: Callable[[Env], Any]
    kind: str = "any"  # "number" (arithmetic), "bool" (a condition) or "any"
    containers: frozenset[str] = frozenset()  # names used on the right of ``in``
    arithmetic: frozenset[str] = frozenset()  # names used in arithmetic or ordering

    def __call__(self, env: Env) -> Any:
        return self.fn(env)

    def truth(self, env: Env, unknown: bool = False) -> bool:
        """Evaluate as a condition; ``unknown`` is returned when inputs are missing."""
        try:
            return bool(self.fn(env))
        except Unknown:
            return unknown


_ARITH = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
_ORDER = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge}


def _need(v: Any) -> Any:
    if v is None or v == "" or v == []:
        raise Unknown
    return v


def _kind(node: ast.AST) -> str:
    if isinstance(node, ast.Expression):
        return _kind(node.body)
    if isinstance(node, ast.Compare | ast.BoolOp) or (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)):
        return "bool"
    if isinstance(node, ast.BinOp) or (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub)):
        return "number"
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool):
            return "bool"
        return "number" if isinstance(node.value, int | float) else "any"
    return "any"


def _scan(tree: ast.AST) -> tuple[set[str], set[str]]:
    """Names on the right of ``in`` and names used in arithmetic/ordering (checked against field types)."""
    containers: set[str] = set()
    arithmetic: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and isinstance(node.ops[0], ast.In | ast.NotIn):
            right = node.comparators[0]
            if not isinstance(right, ast.Name):
                raise ExprError("the right side of 'in' must be a field name")
            containers.add(right.id)
        operands: list[ast.AST] = []
        if isinstance(node, ast.BinOp):
            operands = [node.left, node.right]
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            operands = [node.operand]
        elif isinstance(node, ast.Compare) and type(node.ops[0]) in _ORDER:
            operands = [node.left, *node.comparators]
        for op in operands:
            if isinstance(op, ast.Name):
                arithmetic.add(op.id)
            elif isinstance(op, ast.Constant) and (isinstance(op.value, bool) or not isinstance(op.value, int | float)):
                raise ExprError(f"{op.value!r} cannot be used in arithmetic or ordering")
    return containers, arithmetic


def _compile(node: ast.AST, names: set[str]) -> Callable[[Env], Any]:
    if isinstance(node, ast.Expression):
        return _compile(node.body, names)
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or value is None or isinstance(value, str):
            const: Any = value
            return lambda env: const
        if isinstance(value, int | float):
            if isinstance(value, int) and abs(value) > MAX_CONSTANT:
                raise ExprError(f"constant {value} is too large")
            d = Decimal(str(value))
            if not d.is_finite() or abs(d) > MAX_CONSTANT:
                raise ExprError(f"constant {value!r} is not a usable number")
            return lambda env: d
        raise ExprError(f"constant {value!r} not allowed")
    if isinstance(node, ast.Name):
        if node.id in ("True", "False", "None"):
            raise ExprError("unexpected name")
        names.add(node.id)
        key = node.id
        return lambda env: env.get(key)
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITH:
        op = _ARITH[type(node.op)]
        left, right = _compile(node.left, names), _compile(node.right, names)

        def binop(env: Env) -> Any:
            a, b = _need(left(env)), _need(right(env))
            if not isinstance(a, Decimal) or not isinstance(b, Decimal):
                raise Unknown
            try:
                return op(a, b)
            except (DivisionByZero, InvalidOperation, ZeroDivisionError):
                raise Unknown from None

        return binop
    if isinstance(node, ast.UnaryOp):
        inner = _compile(node.operand, names)
        if isinstance(node.op, ast.Not):
            return lambda env: not inner(env)
        if isinstance(node.op, ast.USub):
            return lambda env: -_need(inner(env))
        raise ExprError("unary operator not allowed")
    if isinstance(node, ast.BoolOp):
        parts = [_compile(v, names) for v in node.values]
        if isinstance(node.op, ast.And):
            def all_(env: Env) -> Any:
                result: Any = True
                for p in parts:
                    result = p(env)
                    if not result:
                        return result
                return result
            return all_

        def any_(env: Env) -> Any:
            result: Any = False
            for p in parts:
                result = p(env)
                if result:
                    return result
            return result
        return any_
    if isinstance(node, ast.Compare):
        if len(node.ops) != 1:
            raise ExprError("chained comparisons are not allowed")
        op_node = node.ops[0]
        left, right = _compile(node.left, names), _compile(node.comparators[0], names)
        if type(op_node) in _ORDER:
            op = _ORDER[type(op_node)]

            def order(env: Env) -> bool:
                a, b = _need(left(env)), _need(right(env))
                try:
                    return bool(op(a, b))
                except TypeError:
                    raise Unknown from None
            return order
        if isinstance(op_node, ast.Eq):
            return lambda env: left(env) == right(env)
        if isinstance(op_node, ast.NotEq):
            return lambda env: left(env) != right(env)
        if isinstance(op_node, ast.In | ast.NotIn):
            negate = isinstance(op_node, ast.NotIn)

            def contains(env: Env) -> bool:
                hay = right(env) or ()
                try:
                    return (left(env) in hay) != negate
                except TypeError:  # a value of the wrong kind in a draft
                    raise Unknown from None
            return contains
        raise ExprError("comparison not allowed")
    raise ExprError(f"{type(node).__name__} is not allowed")


def compile_expr(source: str) -> Expr:
    if not isinstance(source, str):
        raise ExprError(f"an expression must be a string, not {type(source).__name__}")
    if len(source) > MAX_SOURCE:
        raise ExprError(f"expression longer than {MAX_SOURCE} characters")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExprError(f"cannot parse {source!r}: {exc.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExprError("expression nested too deeply") from None
    names: set[str] = set()
    if source.strip() in ("True", "False"):
        value = source.strip() == "True"
        return Expr(source, frozenset(), lambda env: value, kind="bool")
    try:
        fn = _compile(tree, names)
        containers, arithmetic = _scan(tree)
    except RecursionError:
        raise ExprError("expression nested too deeply") from None
    return Expr(source, frozenset(names), fn, kind=_kind(tree), containers=frozenset(containers),
                arithmetic=frozenset(arithmetic))


def topological_order(exprs: Mapping[str, Expr | None]) -> list[str]:
    """Order computed fields so each comes after the computed fields it reads."""
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(name: str, path: tuple[str, ...]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            raise ExprError("computed fields form a cycle: " + " -> ".join((*path, name)))
        state[name] = 1
        e = exprs.get(name)
        if e is not None:
            for dep in sorted(e.names):
                if dep in exprs:
                    visit(dep, (*path, name))
        state[name] = 2
        order.append(name)

    for name in exprs:
        visit(name, ())
    return order
