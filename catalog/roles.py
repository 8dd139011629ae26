"""Role permission patterns (the UPT guide's syntax), parsed into a small AST.

One pattern grants one object type::

    traveller/*                          every field of the traveller table
    traveller/*,dob                      every field except dob
    air_booking/booking_id,from,to       only these fields
    air_booking/*?from = BOS or to = BOS every field, only rows matching the condition
    hotel_booking/*?hotel_code in [BOS1, BOS2, BOS3]
    */*                                  every object type (an explicit pattern for a type wins)

A condition is ``or`` / ``and`` / ``not`` / parentheses over comparisons ``field op value``
(``=``, ``!=``, ``<>``, ``<``, ``<=``, ``>``, ``>=``), ``field in [v1, v2]``, ``field not in [...]``,
``field is null`` and ``field is not null``. A value is a bare word (``BOS``, ``BOS1``), a number or
a quoted string (``'O''Hare'`` or ``"O'Hare"``).

Parsing is syntax only; :func:`bind` then checks every object and field against the published
tables and types each literal by its column. Nothing here produces SQL: ``catalog.views`` renders
the bound AST with its own quoting, so no pattern text ever reaches an engine as is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ROLE_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}\Z")
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# UPT's field names for traveller members whose column is named differently here.
FIELD_ALIASES = {"traveller": {"dob": "birthDate"}}

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'(?:[^']|'')*'|"(?:[^"]|"")*")
      | (?P<op><=|>=|!=|<>|=|<|>)
      | (?P<punct>[\[\](),])
      | (?P<word>[A-Za-z0-9_.:@+-]+)
    )""",
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not", "in", "is", "null"}


class RolePatternError(ValueError):
    """A role pattern that cannot be parsed or does not fit the published tables."""


# ---------------------------------------------------------------------------------------- AST
@dataclass(frozen=True)
class Literal:
    """A value as written: ``quoted`` strings never become numbers or keywords."""

    text: str
    quoted: bool


@dataclass(frozen=True)
class Comparison:
    field: str
    op: str  # = != < <= > >=
    value: Literal


@dataclass(frozen=True)
class InList:
    field: str
    values: tuple[Literal, ...]
    negated: bool = False


@dataclass(frozen=True)
class IsNull:
    field: str
    negated: bool = False


@dataclass(frozen=True)
class BoolOp:
    op: str  # and | or
    operands: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    operand: Condition


Condition = Comparison | InList | IsNull | BoolOp | Not


@dataclass(frozen=True)
class Pattern:
    """``object/fields?condition``: fields None means ``*``; excluded only with ``*``."""

    text: str
    object_type: str  # a type name or "*"
    fields: tuple[str, ...] | None
    excluded: tuple[str, ...] = ()
    condition: Condition | None = None


@dataclass(frozen=True)
class Role:
    name: str
    patterns: tuple[Pattern, ...]


# ------------------------------------------------------------------------------------ parsing
def _tokens(text: str, where: str) -> list[tuple[str, str]]:
    pos, out = 0, []
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            raise RolePatternError(f"{where}: unexpected character {text[pos:].lstrip()[:1]!r} at {pos}")
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "word" and value.lower() in _KEYWORDS:
            kind, value = "kw", value.lower()
        out.append((kind, value))
        pos = match.end()
    return out


class _Parser:
    def __init__(self, text: str, where: str):
        self.where = where
        self.tokens = _tokens(text, where)
        self.pos = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        token = self.peek()
        if token is None:
            raise RolePatternError(f"{self.where}: condition ends too early")
        self.pos += 1
        return token

    def expect(self, kind: str, value: str | None = None) -> str:
        got_kind, got = self.take()
        if got_kind != kind or (value is not None and got != value):
            raise RolePatternError(f"{self.where}: expected {value or kind}, found {got!r}")
        return got

    def at(self, kind: str, value: str | None = None) -> bool:
        token = self.peek()
        return token is not None and token[0] == kind and (value is None or token[1] == value)

    def parse(self) -> Condition:
        if not self.tokens:
            raise RolePatternError(f"{self.where}: empty condition after '?'")
        node = self.disjunction()
        if self.peek() is not None:
            raise RolePatternError(f"{self.where}: unexpected {self.peek()[1]!r} after a complete condition")
        return node

    def disjunction(self) -> Condition:
        operands = [self.conjunction()]
        while self.at("kw", "or"):
            self.take()
            operands.append(self.conjunction())
        return operands[0] if len(operands) == 1 else BoolOp("or", tuple(operands))

    def conjunction(self) -> Condition:
        operands = [self.negation()]
        while self.at("kw", "and"):
            self.take()
            operands.append(self.negation())
        return operands[0] if len(operands) == 1 else BoolOp("and", tuple(operands))

    def negation(self) -> Condition:
        if self.at("kw", "not"):
            self.take()
            return Not(self.negation())
        if self.at("punct", "("):
            self.take()
            node = self.disjunction()
            self.expect("punct", ")")
            return node
        return self.predicate()

    def field(self) -> str:
        kind, value = self.take()
        if kind != "word" or not IDENTIFIER.match(value):
            raise RolePatternError(f"{self.where}: expected a field name, found {value!r}")
        return value

    def literal(self) -> Literal:
        kind, value = self.take()
        if kind == "string":
            quote = value[0]
            return Literal(value[1:-1].replace(quote * 2, quote), True)
        if kind == "word":
            return Literal(value, False)
        raise RolePatternError(f"{self.where}: expected a value, found {value!r}")

    def predicate(self) -> Condition:
        name = self.field()
        kind, value = self.take()
        if kind == "op":
            return Comparison(name, "!=" if value == "<>" else value, self.literal())
        if (kind, value) == ("kw", "is"):
            negated = self.at("kw", "not")
            if negated:
                self.take()
            self.expect("kw", "null")
            return IsNull(name, negated)
        negated = (kind, value) == ("kw", "not")
        if negated:
            kind, value = self.take()
        if (kind, value) == ("kw", "in"):
            self.expect("punct", "[")
            values = [self.literal()]
            while self.at("punct", ","):
                self.take()
                values.append(self.literal())
            self.expect("punct", "]")
            return InList(name, tuple(values), negated)
        raise RolePatternError(f"{self.where}: expected an operator after {name!r}, found {value!r}")


def parse_condition(text: str, where: str = "condition") -> Condition:
    return _Parser(text, where).parse()


def parse_pattern(text: str, role: str = "?") -> Pattern:
    where = f"role {role}, pattern {text!r}"
    if not isinstance(text, str) or "/" not in text:
        raise RolePatternError(f"{where}: expected <object type>/<fields>[?<condition>]")
    head, _, condition_text = text.partition("?")
    object_type, _, field_text = head.partition("/")
    object_type = object_type.strip()
    if object_type != "*" and not IDENTIFIER.match(object_type):
        raise RolePatternError(f"{where}: bad object type {object_type!r}")
    items = [f.strip() for f in field_text.split(",")]
    if any(not f for f in items):
        raise RolePatternError(f"{where}: empty field name in {field_text.strip()!r}")
    for name in items:
        if name != "*" and not IDENTIFIER.match(name):
            raise RolePatternError(f"{where}: bad field name {name!r}")
    if items[0] == "*":
        if "*" in items[1:]:
            raise RolePatternError(f"{where}: '*' may only come first")
        fields, excluded = None, tuple(items[1:])
    else:
        if "*" in items:
            raise RolePatternError(f"{where}: '*' may only come first")
        fields, excluded = tuple(items), ()
    condition = parse_condition(condition_text, where) if "?" in text else None
    return Pattern(text.strip(), object_type, fields, excluded, condition)


def parse_role(name: str, patterns) -> Role:
    if not isinstance(name, str) or not ROLE_NAME.match(name):
        raise RolePatternError(f"bad role name {name!r}: lowercase letters, digits and _, starting with a letter")
    if isinstance(patterns, str):
        patterns = [patterns]
    if not patterns or not all(isinstance(p, str) for p in patterns):
        raise RolePatternError(f"role {name}: expected a list of patterns such as 'traveller/*,dob'")
    parsed = tuple(parse_pattern(p, name) for p in patterns)
    seen: set[str] = set()
    for pattern in parsed:
        if pattern.object_type in seen:
            raise RolePatternError(f"role {name}: object type {pattern.object_type} appears in two patterns")
        seen.add(pattern.object_type)
    return Role(name, parsed)


def parse_roles(conf: dict | None) -> list[Role]:
    """``{role: [pattern, ...]}`` from conf (``roles:``) into roles, in name order."""
    if not conf:
        return []
    if not isinstance(conf, dict):
        raise RolePatternError("roles: expected a mapping of role name to a list of patterns")
    return [parse_role(name, conf[name]) for name in sorted(conf)]


# ------------------------------------------------------------------------------------ binding
NUMERIC = re.compile(r"(tinyint|smallint|int|bigint|float|double|decimal\(\d+,\d+\))\Z")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\Z")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?\Z")


@dataclass(frozen=True)
class Typed:
    """A literal checked against its column's type: kind is string, number, boolean, date or timestamp."""

    kind: str
    value: str


@dataclass(frozen=True)
class View:
    """One role's view of one table: columns in table order, an optional bound condition."""

    role: str
    table: str
    columns: tuple[str, ...]
    condition: object | None  # the condition AST with Typed literals and real column names
    pattern: str


@dataclass
class _Binder:
    where: str
    columns: dict[str, str]  # lower-cased name -> (real name, type) lookups
    types: dict[str, str]
    aliases: dict[str, str] = field(default_factory=dict)

    def column(self, name: str) -> str:
        real = self.columns.get(self.aliases.get(name.lower(), name).lower())
        if real is None:
            raise RolePatternError(f"{self.where}: unknown field {name!r}")
        return real

    def typed(self, column: str, literal: Literal) -> Typed:
        kind = self.types[column]
        text = literal.text
        if kind == "string":
            return Typed("string", text)
        if NUMERIC.match(kind):
            if literal.quoted or not _NUMBER.match(text):
                raise RolePatternError(f"{self.where}: field {column} is {kind}; {text!r} is not a number")
            return Typed("number", text)
        if kind == "boolean":
            if literal.quoted or text.lower() not in ("true", "false"):
                raise RolePatternError(f"{self.where}: field {column} is boolean; expected true or false")
            return Typed("boolean", text.lower())
        if kind == "date":
            if not _DATE.match(text):
                raise RolePatternError(f"{self.where}: field {column} is a date; expected YYYY-MM-DD, got {text!r}")
            return Typed("date", text)
        if kind == "timestamp":
            if not _TIMESTAMP.match(text):
                raise RolePatternError(f"{self.where}: field {column} is a timestamp; got {text!r}")
            return Typed("timestamp", text.replace("T", " "))
        raise RolePatternError(f"{self.where}: field {column} has type {kind}, which a condition cannot compare")

    def condition(self, node):
        if isinstance(node, Comparison):
            column = self.column(node.field)
            return Comparison(column, node.op, self.typed(column, node.value))
        if isinstance(node, InList):
            column = self.column(node.field)
            return InList(column, tuple(self.typed(column, v) for v in node.values), node.negated)
        if isinstance(node, IsNull):
            return IsNull(self.column(node.field), node.negated)
        if isinstance(node, BoolOp):
            return BoolOp(node.op, tuple(self.condition(o) for o in node.operands))
        if isinstance(node, Not):
            return Not(self.condition(node.operand))
        raise TypeError(node)


def bind(role: Role, tables: dict[str, list[tuple[str, str]]]) -> list[View]:
    """One view per object type the role grants, checked against ``tables``.

    ``tables`` maps an object type (``traveller``, ``air_booking``...) to its table's columns as
    ``(name, simple type)`` pairs. ``*`` grants every object type not named by another pattern.
    """
    explicit = {p.object_type: p for p in role.patterns if p.object_type != "*"}
    wildcard = next((p for p in role.patterns if p.object_type == "*"), None)
    for object_type in explicit:
        if object_type not in tables:
            raise RolePatternError(
                f"role {role.name}, pattern {explicit[object_type].text!r}: unknown object type {object_type!r} "
                f"(published: {', '.join(sorted(tables))})"
            )
    views = []
    for object_type in sorted(tables):
        pattern = explicit.get(object_type, wildcard)
        if pattern is None:
            continue
        columns = [name for name, _ in tables[object_type]]
        binder = _Binder(
            f"role {role.name}, pattern {pattern.text!r} on {object_type}",
            {c.lower(): c for c in columns},
            dict(tables[object_type]),
            FIELD_ALIASES.get(object_type, {}),
        )
        if pattern.fields is None:
            dropped = {binder.column(f) for f in pattern.excluded}
            chosen = [c for c in columns if c not in dropped]
        else:
            wanted = {binder.column(f) for f in pattern.fields}
            chosen = [c for c in columns if c in wanted]
        if not chosen:
            raise RolePatternError(f"{binder.where}: no field left to show")
        condition = binder.condition(pattern.condition) if pattern.condition is not None else None
        views.append(View(role.name, object_type, tuple(chosen), condition, pattern.text))
    return views
