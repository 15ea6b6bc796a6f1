"""Compiled SQL kept per statement shape, so a statement is not compiled anew on every execution.

`databases` compiles every statement on every execution: about 0.25 ms of CPU per statement
here, half of what a simple read costs and 15–20 % of a form post (bench/statements.py,
docs/decisions/0011). SQLAlchemy's own engine avoids that with a cache keyed by the statement's
structure (its "cache key", which leaves out bound values) and fills in the values of each
execution from the key's extracted parameters; this module does the same, with SQLAlchemy's
public compiler API. Statements whose SQL text depends on their values (expanding IN lists and
literal-rendered parameters, both rendered into the text by `render_postcompile`) and statements
SQLAlchemy cannot key are compiled every time, as before. How `databases` is made to use it is
app/db/internals.py's business.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.cache_key import CacheKey
from sqlalchemy.sql.compiler import SQLCompiler

CACHE_SIZE = 500  # distinct statement shapes; the app has a few hundred at most

BindProcessor = Callable[[Any], Any]


def bind_processors(compiled: SQLCompiler) -> dict[str, BindProcessor]:
    """Each bound parameter's conversion to what the driver takes (by the name the SQL uses),
    for the parameters that need one: what SQLAlchemy's engine applies before executing."""
    escaped = compiled.escaped_bind_names
    processors: dict[str, BindProcessor] = {}
    for bind, name in compiled.bind_names.items():
        if isinstance(bind.type, sa.TupleType):
            raise ValueError("tuple parameters are not supported")
        processor = bind.type.dialect_impl(compiled.dialect).bind_processor(compiled.dialect)
        if processor is not None:
            processors[escaped.get(name, name)] = processor
    return processors


@dataclass(frozen=True, slots=True)
class Prepared:
    """One compiled shape: the SQL text the driver gets and the order its parameters go in."""

    compiled: SQLCompiler
    sql: str
    order: tuple[str, ...]
    processors: Mapping[str, BindProcessor]

    def arguments(self, values: Mapping[str, Any]) -> list[Any]:
        """This execution's parameters, converted, in the order the SQL takes them."""
        processors = self.processors
        return [
            processors[name](values[name]) if name in processors else values[name]
            for name in self.order
        ]


class StatementCache:
    """A bounded least-recently-used map from statement shape to its compiled form. One per
    database handle (the dialect is fixed per handle); used from the event loop's thread only."""

    __slots__ = ("_entries", "_size")

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self._entries: OrderedDict[Any, Prepared | None] = OrderedDict()
        self._size = size

    def lookup(
        self, query: ClauseElement, key: CacheKey | None, dialect: Dialect, positional: bool
    ) -> tuple[Prepared, Mapping[str, Any]] | None:
        """The compiled shape of `query` (whose cache key is `key`) and this execution's
        parameter values by name; None when `query` must be compiled on its own."""
        if key is None:
            return None
        shape = key.key
        if shape in self._entries:
            prepared = self._entries[shape]
            self._entries.move_to_end(shape)
        else:
            prepared = _prepare(query, key, dialect, positional)
            self._entries[shape] = prepared
            if len(self._entries) > self._size:
                self._entries.popitem(last=False)
        if prepared is None:
            return None
        values = prepared.compiled.construct_params(extracted_parameters=key.bindparams)
        return prepared, values

    def __len__(self) -> int:
        return len(self._entries)


def _prepare(
    query: ClauseElement, key: CacheKey, dialect: Dialect, positional: bool
) -> Prepared | None:
    compiled = dialect.statement_compiler(
        dialect, query, cache_key=key, compile_kwargs={"render_postcompile": True}
    )
    if not isinstance(compiled, SQLCompiler):
        return None
    # Expanding and literal-execute parameters were rendered into the text with this
    # execution's values: the text is not shared by other executions of the same shape.
    if compiled.post_compile_params or compiled.literal_execute_params:
        return None
    if any(bind.expanding or bind.literal_execute for bind in compiled.binds.values()):
        return None
    processors = bind_processors(compiled)
    if positional:
        assert compiled.positiontup is not None
        return Prepared(compiled, compiled.string, tuple(compiled.positiontup), processors)
    names = sorted(compiled.construct_params())
    # asyncpg takes $1, $2 …: the same renaming `databases` does on every call, done once.
    numbered = {name: f"${number}" for number, name in enumerate(names, start=1)}
    return Prepared(compiled, compiled.string % numbered, tuple(names), processors)
