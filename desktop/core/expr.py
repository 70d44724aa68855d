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


@dataclass(frozen=True)
class Expr:
    source: str
    names: frozenset[str]
    fn: Callable[[Env], Any]

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


def _compile(node: ast.AST, names: set[str]) -> Callable[[Env], Any]:
    if isinstance(node, ast.Expression):
        return _compile(node.body, names)
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or value is None or isinstance(value, str):
            return lambda env, v=value: v
        if isinstance(value, int | float):
            d = Decimal(str(value))
            return lambda env, v=d: v
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
                return (left(env) in hay) != negate
            return contains
        raise ExprError("comparison not allowed")
    raise ExprError(f"{type(node).__name__} is not allowed")


def compile_expr(source: str) -> Expr:
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExprError(f"cannot parse {source!r}: {exc.msg}") from None
    names: set[str] = set()
    if source.strip() in ("True", "False"):
        value = source.strip() == "True"
        return Expr(source, frozenset(), lambda env: value)
    fn = _compile(tree, names)
    return Expr(source, frozenset(names), fn)


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
