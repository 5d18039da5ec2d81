"""Command-line values that need no conversion skip Typer's pydantic adapters.

Typer 0.29 converts every parameter value it parses through a pydantic ``TypeAdapter`` that it
builds for the parameter (``typer._coercion.build_runtime_param``), even the default of an option
the command line does not give: the first one imports pydantic and its schema machinery, the
plugin loader and ``importlib.metadata`` (~0.07 s of a 0.25 s command), and each later one costs
0.1–0.5 ms. Most values of a command line need no conversion at all: an option left at its
default (already of the declared type), a text argument, a path. :func:`plain_coercion` gives
each parameter of a built command a coercer that returns such values as Typer would (the same
object or an equal one, of the same type) and hands every other value (a number typed on the
command line, a choice, a path Typer would refuse, a type it does not know) to Typer's own
coercion, built on first use: the messages for bad values and every conversion stay Typer's.

Older Typer releases (0.12–0.28: Click's own parameter types, no pydantic) have nothing to skip;
a Typer whose parameters do not look like 0.29's (``_runtime_param``, ``type_descriptor``) is
left alone, so the command line parses as Typer parses it in every case.
``tests/cli/test_coercion.py`` compares every shortcut with Typer's adapter.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

_TYPER = object()
"""Returned by :func:`plain_value` for a value only Typer's own coercion may convert."""

_SCALARS = (str, int, float)


def plain_coercion(command: Any) -> None:
    """Give every Typer 0.29 parameter of ``command`` (and of its subcommands) the plain coercer
    :class:`PlainFirst`; parameters of any other kind, and a Typer without per-parameter
    coercers, are left as they are."""
    try:  # the builder of Typer's own coercion, which PlainFirst falls back on
        from typer._coercion import build_runtime_param  # noqa: F401
    except ImportError:  # Typer 0.12–0.28 (Click's types, no pydantic) or a later rework
        return
    todo = [command]
    while todo:
        cmd = todo.pop()
        todo.extend(getattr(cmd, "commands", {}).values())
        for param in cmd.params:
            _plain_first(param)
        if callable(getattr(cmd, "get_help_option", None)):
            # Click makes the help option (-h/--help) when a context first asks for it
            cmd.get_help_option = _with_plain_help(cmd.get_help_option)


def _plain_first(param: Any) -> None:
    if vars(param).get("_runtime_param", False) is None and hasattr(param, "type_descriptor"):
        param._runtime_param = PlainFirst()


def _with_plain_help(get_help_option: Any) -> Any:
    def plain_help(ctx: Any) -> Any:
        option = get_help_option(ctx)
        if option is not None:
            _plain_first(option)
        return option

    return plain_help


class PlainFirst:
    """A parameter's coercer: :func:`plain_value` when it applies, else Typer's (built once,
    when first needed). Called as Typer calls its own: ``coerce(value, param=, ctx=)``."""

    __slots__ = ("_typer",)

    def __init__(self) -> None:
        self._typer: Any = None

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        done = plain_value(value, param)
        if done is not _TYPER:
            return done
        if self._typer is None:
            from typer._coercion import build_runtime_param

            self._typer = build_runtime_param(param.type_descriptor)
        return self._typer.coerce(value, param=param, ctx=ctx)


def number_spelling(command: Any) -> None:
    """Check how every number typed for a whole-number or real-number option of ``command`` (and
    of its subcommands) is spelt, before Typer converts it (:func:`check_spelling`); with any
    Typer release (0.29's parameters carry their annotation, older ones Click's number types);
    and refuse a single-valued option given twice (:func:`_options_once`; here, not in
    :func:`plain_coercion`, which skips older Typers, so each parser is wrapped once)."""
    todo = [command]
    while todo:
        cmd = todo.pop()
        todo.extend(getattr(cmd, "commands", {}).values())
        cmd.make_parser = _options_once(cmd.make_parser)
        for param in cmd.params:
            kind = _number_kind(param)
            if kind is not None:
                param.process_value = _spelt(param.process_value, kind)
            if not getattr(param, "is_flag", False):
                param.process_value = _not_empty(param.process_value)


def _options_once(make_parser: Any) -> Any:
    """The command's parser, refusing a single-valued option given twice with two values
    (``--draws 10 --draws 20``, ``--json a.json --json b.json``): the parser keeps the last and
    the first was silently dropped. The same value twice, flags and repeatable options (``-m``,
    ``--actor`` of ``signals import``) pass."""
    def make(ctx: Any) -> Any:
        parser = make_parser(ctx)
        options = {id(o): o for o in (*parser._long_opt.values(), *parser._short_opt.values())}
        for opt in options.values():
            if opt.action == "store":
                opt.process = _stored_once(opt, opt.process)
        return parser

    return make


def _stored_once(opt: Any, process: Any) -> Any:
    def once(value: Any, state: Any) -> None:
        if opt.dest in state.opts and state.opts[opt.dest] != value:
            import typer

            raise typer.BadParameter(
                f"given twice, {state.opts[opt.dest]!r} then {value!r}; allowed: the option "
                "once (one of the two values would be silently dropped)", param=opt.obj)
        process(value, state)

    return once


def _not_empty(process_value: Any) -> Any:
    """Refuse an empty value typed on the command line: ``analyze ""`` read the current folder
    (a path of no characters is ``.``) and found GENIUS files in its sub-folders, ``extract
    --case ""`` silently used no case; an empty text is never a file, a case or a value."""
    def checked(ctx: Any, value: Any) -> Any:
        given = value if isinstance(value, tuple | list) else (value,)
        if any(type(v) is str and not v for v in given):
            import typer

            raise typer.BadParameter(
                "an empty value (got ''); allowed: a file or folder path (write '.' for the "
                "current folder), a case name or the option's value; never an empty text")
        for v in given:
            if type(v) is str and v.endswith("/") and os.path.isfile(v.rstrip("/")):
                import typer

                # Python's paths drop a trailing slash ("toy.yaml/" read toy.yaml); the
                # system says a name ending in "/" is a folder (open() fails: ENOTDIR)
                raise typer.BadParameter(
                    f"a file named as a folder: it ends with '/' (got {v!r}); allowed: the "
                    f"file's path without the slash ({v.rstrip('/')!r}), or a folder")
        return process_value(ctx, value)

    return checked


def _number_kind(param: Any) -> type | None:
    desc = getattr(param, "type_descriptor", None)
    if desc is not None:
        return desc.annotation if desc.annotation in (int, float) else None
    name = getattr(getattr(param, "type", None), "name", "")  # Click: "integer", "float range"
    return int if name.startswith("integer") else float if name.startswith("float") else None


def _spelt(process_value: Any, kind: type) -> Any:
    def checked(ctx: Any, value: Any) -> Any:
        if type(value) is str:
            check_spelling(value, kind is int)
        return process_value(ctx, value)

    return checked


def check_spelling(value: str, whole: bool) -> None:
    """A number typed for an option, spelt as every option and the workbench's forms take it
    (docs/limits.md, "Numbers"): ASCII digits with at most a leading ``-``, spaces around
    ignored (real numbers: a decimal point and an exponent too, or a word such as ``nan`` that
    each option's range refuses with its own message). ``1_000``, ``+5``, ``0x10`` and digits
    of other scripts are refused with what is allowed (Python's ``int()`` reads ``1_000``,
    ``+5`` and ``\u0663``, so an option took them while the workbench refused them)."""
    from detente.limits import REAL_OPTION, WHOLE_OPTION

    if (WHOLE_OPTION if whole else REAL_OPTION).fullmatch(value.strip()):
        return
    if not whole and value.isascii() and value.lstrip("-").isalpha():
        return  # nan, inf, infinity: refused by the option's own range, with its message
    import typer

    what = "a whole number" if whole else "a number"
    example = "1000, 0 or -1" if whole else "0.5, .5, 2 or 2.5e-3"
    raise typer.BadParameter(
        f"not {what} in plain digits (got {value!r}); allowed: ASCII digits 0-9"
        f" with at most a leading '-'{'' if whole else ', a decimal point and an exponent'}, "
        f"such as {example} (no '_' between digits, no '+', no digits of other scripts)")


def plain_value(value: Any, param: Any) -> Any:
    """``value`` as Typer 0.29 would coerce it for ``param``, when that needs no conversion, or
    :data:`_TYPER`: no value (None), a default of exactly the declared scalar type (within
    ``min``/``max``), text for a text parameter, a list of texts for a ``list[str]`` option,
    text or a path for a path parameter that asks nothing of the file (Typer's defaults)."""
    multi = param.multiple or param.nargs == -1
    if value is None:
        return () if multi else None
    desc = param.type_descriptor
    info, kind = desc.parameter_info, desc.annotation
    if info.parser is not None or desc.is_file or desc.is_choice:
        return _TYPER
    if multi:
        if (kind == list[str] and isinstance(value, (list, tuple))
                and all(type(v) is str for v in value)):
            return list(value)
        return _TYPER
    if kind in _SCALARS and type(value) is kind:
        if kind is str or (not info.clamp and _within(value, info.min, info.max)):
            return value
        return _TYPER
    if kind is Path and info.path_type is None:
        return _plain_path(value, info)
    return _TYPER


def _within(value: int | float, low: Any, high: Any) -> bool:
    # NaN is within no bounds (pydantic's ge/le refuse it); without bounds any value passes
    if low is None and high is None:
        return True
    return (low is None or value >= low) and (high is None or value <= high)


def _plain_path(value: Any, info: Any) -> Any:
    """A path for a ``Path`` parameter with Typer's default checks (none but "readable" when
    the file exists): Typer makes ``Path(text)`` (pydantic's path validator) and refuses an
    existing path it may not read; anything else (such a refusal, odd text) goes to Typer."""
    if (info.exists or not info.file_okay or not info.dir_okay or info.writable
            or info.resolve_path or info.allow_dash):
        return _TYPER
    if type(value) is str:
        if not value or "\x00" in value:
            return _TYPER
        path = Path(value)
    elif type(value) is type(Path()):
        path = value
    else:
        return _TYPER
    try:
        os.stat(path)
    except OSError:
        return path  # Typer checks nothing more of a path that does not exist (exists=False)
    if info.readable and not os.access(path, os.R_OK):
        return _TYPER
    return path
