"""Writes ``src/bwvoice/_bindings.py``, the ctypes declarations of ``include/bwvoice.h``.

    python3 scripts/generate_bindings.py            # rewrite the file (``make python-bindings``)
    python3 scripts/generate_bindings.py --stdout   # print what it would write

The header is parsed with pycparser (a development dependency; the package
does not need it). Every ``BW_*`` macro becomes a constant, except the
``BW_*_INIT`` initialisers: the structs they initialise derive from
``_Growable``, whose constructor sets ``struct_size`` as the macro does. Every
struct becomes a ``ctypes.Structure`` with the header's fields in order, every
opaque type an empty one, every function pointer typedef a ``CFUNCTYPE`` and
every function an entry ``name: (restype, argtypes)`` of ``PROTOTYPES``. The
header's doc comments come along as docstrings and comments.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from pycparser import c_ast, c_parser

BINDING = Path(__file__).resolve().parent.parent
HEADER = BINDING.parent.parent / "include" / "bwvoice.h"
OUTPUT = BINDING / "src" / "bwvoice" / "_bindings.py"
COMMAND = "python3 bindings/python/scripts/generate_bindings.py (make python-bindings)"

#: The C scalar types the header uses; those C does not build in are
#: declared to the parser as typedefs.
SCALARS = {
    "bool": "ctypes.c_bool",
    "char": "ctypes.c_char",
    "int32_t": "ctypes.c_int32",
    "uint32_t": "ctypes.c_uint32",
    "int64_t": "ctypes.c_int64",
    "uint64_t": "ctypes.c_uint64",
    "size_t": "ctypes.c_size_t",
    "double": "ctypes.c_double",
}
#: Declared to the parser otherwise: C's own types and the prelude's two.
NOT_LONG = ("bool", "char", "size_t", "double")
#: The standard headers' macros a ``BW_*`` macro may stand for, as Python.
LIMITS = {"INT64_MIN": "-(2**63)", "UINT32_MAX": "2**32 - 1"}
INIT = re.compile(r"\{ \.struct_size = sizeof\((\w+)\) \}")

PROLOGUE = '''\
"""The ctypes declarations of ``include/bwvoice.h``.

Generated from the header by ``scripts/generate_bindings.py``; do not edit.
Regenerate with: {command}
"""

# The header's doc comments, as docstrings, have no one-line summary.
# ruff: noqa: D205

from __future__ import annotations

import ctypes
from typing import Any


class _Growable(ctypes.Structure):
    """A struct beginning with ``uint32_t struct_size`` that the caller fills.

    Construction sets ``struct_size`` to ``ctypes.sizeof`` of the struct, like
    the header's ``BW_*_INIT`` macros, unless it is given explicitly; every
    other field starts at zero.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("struct_size", ctypes.sizeof(type(self)))
        super().__init__(*args, **kwargs)
'''


class Header:
    """The header split into what pycparser reads and what it cannot.

    ``source`` is the C the compiler sees (the C branch of every
    ``__cplusplus`` conditional) with comments and directives blanked, so
    that its line numbers are the header's. ``defines`` are its ``BW_*``
    macros by line, ``docs`` its ``/** */`` comments by the line of what
    they document.
    """

    def __init__(self, text: str) -> None:
        self.docs: dict[int, str] = {}
        lines = text.splitlines()
        for match in re.finditer(r"/\*\*(.*?)\*/", text, re.S):
            after = text.count("\n", 0, match.end()) + 1
            while not lines[after].strip():
                after += 1
            self.docs[after + 1] = _doc_text(match.group(1))
        blanked = re.sub(r"/\*.*?\*/|//[^\n]*", lambda m: "\n" * m[0].count("\n"), text, flags=re.S)
        self.defines: dict[int, tuple[str, str]] = {}
        source: list[str] = []
        skipping: list[bool] = []  # one entry per open conditional: is it C++ only?
        for number, text_line in enumerate(blanked.splitlines(), 1):
            line, directive = text_line, text_line.strip()
            if directive.startswith("#"):
                words = directive[1:].split()
                if words[0] in ("if", "ifdef", "ifndef"):
                    skipping.append(words[0] == "ifdef" and words[1:] == ["__cplusplus"])
                elif words[0] == "else":
                    skipping[-1] = not skipping[-1]
                elif words[0] == "endif":
                    skipping.pop()
                elif words[0] == "define" and not any(skipping) and words[1].startswith("BW_"):
                    self.defines[number] = (words[1], " ".join(words[2:]))
                line = ""
            source.append("" if any(skipping) else line)
        # The scalar typedefs go on the first line, which is blank (a comment).
        prelude = "typedef _Bool bool; typedef unsigned long size_t; " + " ".join(
            f"typedef long {name};" for name in SCALARS if name not in NOT_LONG
        )
        if source[0].strip():
            raise SystemExit(f"{HEADER}:1: expected the header to open with a comment")
        source[0] = prelude
        self.source = "\n".join(source) + "\n"

    def doc(self, line: int) -> str | None:
        """The doc comment of what the header declares at ``line``, if any."""
        return self.docs.get(line)


def _doc_text(comment: str) -> str:
    """A ``/** ... */`` comment's text, without its leading asterisks."""
    lines = [re.sub(r"^\s*\* ?", "", line).rstrip() for line in comment.strip("\n").splitlines()]
    return "\n".join(lines).strip()


def _unwrap(expression: str) -> str:
    """An expression without the parentheses around the whole of it."""
    depth = 0
    for index, char in enumerate(expression):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            whole = index == len(expression) - 1 and expression.startswith("(")
            return _unwrap(expression[1:-1]) if whole else expression
    return expression


def _comment(doc: str | None, indent: str) -> list[str]:
    """A doc comment as ``#`` lines."""
    if doc is None:
        return []
    return [f"{indent}# {line}".rstrip() for line in doc.splitlines()]


def _docstring(doc: str, indent: str) -> list[str]:
    """A doc comment as a docstring."""
    lines = doc.replace("\\", "\\\\").splitlines()
    if len(lines) == 1:
        return [f'{indent}"""{lines[0]}"""']
    body = [f"{indent}{line}".rstrip() for line in lines[1:]]
    return [f'{indent}"""{lines[0]}', *body, f'{indent}"""']


class Generator:
    """Turns the parsed header into the module's text, declaration by declaration."""

    def __init__(self, header: Header) -> None:
        self.header = header
        self.growable = {
            m.group(1)
            for name, value in header.defines.values()
            if name.endswith("_INIT") and (m := INIT.fullmatch(value))
        }
        self.typedefs: set[str] = set()

    def module(self) -> str:
        """The whole of ``_bindings.py``."""
        ast = c_parser.CParser().parse(self.header.source, str(HEADER))
        declarations: list[tuple[int, list[str]]] = [
            (line, self.constant(line, name, value))
            for line, (name, value) in self.header.defines.items()
            if not name.endswith("_INIT")
        ]
        prototypes: list[str] = []
        for node in ast.ext:
            if isinstance(node, c_ast.Typedef) and node.name not in SCALARS:
                declarations.append((_line(node), self.typedef(node)))
            elif isinstance(node, c_ast.Decl) and isinstance(node.type, c_ast.FuncDecl):
                prototypes += self.prototype(node)
            elif not isinstance(node, c_ast.Typedef):
                raise SystemExit(f"{HEADER}:{_line(node)}: unexpected {type(node).__name__}")
        lines = PROLOGUE.format(command=COMMAND).splitlines()  # it ends with a class
        for _, text in sorted(declarations):
            if lines[-1].startswith(" ") or text[0].startswith("class "):
                lines += ["", ""]  # around a class
            elif not (text[0].startswith("BW_") and lines[-1].startswith("BW_")):
                lines.append("")  # an undocumented constant stays with the one before
            lines += text
        lines += ["", "", "#: Every exported function: name -> (restype, argtypes).", _PROTO_HEAD]
        lines += [*prototypes, "}"]
        return "\n".join(lines) + "\n"

    def constant(self, line: int, name: str, value: str) -> list[str]:
        """A ``#define BW_...`` as a Python constant."""
        if value in LIMITS:
            python = LIMITS[value]
        elif re.fullmatch(r'-?\d+|"[^"\\]*"', value):
            python = value
        elif re.fullmatch(r"[\sA-Z_\d()<|]+", value) and all(
            word.startswith("BW_") or word.isdigit() for word in re.findall(r"\w+", value)
        ):
            python = _unwrap(value)  # shifts and ors of other constants: the same in Python
        else:
            raise SystemExit(f"{HEADER}:{line}: cannot translate {name} {value}")
        doc = self.header.doc(line)
        comment = [] if doc is None else [f"#: {text}".rstrip() for text in doc.splitlines()]
        return [*comment, f"{name} = {python}"]

    def typedef(self, node: c_ast.Typedef) -> list[str]:
        """A struct (opaque or not), a scalar alias or a function pointer type."""
        self.typedefs.add(node.name)
        doc = self.header.doc(_line(node))
        kind = node.type.type if isinstance(node.type, c_ast.TypeDecl) else None
        if isinstance(kind, c_ast.Struct):
            return self.struct(node.name, kind, doc)
        if isinstance(kind, c_ast.IdentifierType):
            return [*_comment(doc, ""), f"{node.name} = {self.ctype(node.type)}"]
        if isinstance(node.type, c_ast.PtrDecl) and isinstance(node.type.type, c_ast.FuncDecl):
            function = node.type.type
            args = [f"    {self.ctype(function.type)},", *self.parameters(function, "    ")]
            return [*_comment(doc, ""), f"{node.name} = ctypes.CFUNCTYPE(", *args, ")"]
        raise SystemExit(f"{HEADER}:{_line(node)}: unexpected typedef {node.name}")

    def struct(self, name: str, struct: c_ast.Struct, doc: str | None) -> list[str]:
        """``typedef struct name {...} name;`` as a ``ctypes.Structure``."""
        base = "_Growable" if name in self.growable else "ctypes.Structure"
        lines = [f"class {name}({base}):", *_docstring(doc or f"``{name}``.", "    ")]
        if struct.decls is None:  # opaque: only ever behind a pointer
            return lines
        lines += ["", "    _fields_ = ["]
        for field in struct.decls:
            lines += _comment(self.header.doc(field.coord.line), "        ")
            lines.append(f'        ("{field.name}", {self.ctype(field.type)}),')
        return [*lines, "    ]"]

    def prototype(self, node: c_ast.Decl) -> list[str]:
        """A function as its ``PROTOTYPES`` entry."""
        lines = _comment(self.header.doc(_line(node)), "    ")
        lines += [f'    "{node.name}": (', f"        {self.ctype(node.type.type)},"]
        params = self.parameters(node.type, "            ")
        argtypes = ["        [", *params, "        ],"] if params else ["        [],"]
        return [*lines, *argtypes, "    ),"]

    def parameters(self, function: c_ast.FuncDecl, indent: str) -> list[str]:
        """A function's parameter types, one a line, each followed by its name."""
        params = function.args.params if function.args else []
        if len(params) == 1 and self.ctype(params[0].type) == "None":  # (void)
            return []
        return [f"{indent}{self.ctype(p.type)},  # {p.name}" for p in params]

    def ctype(self, node: c_ast.Node) -> str:
        """The ctypes expression of a C type."""
        if isinstance(node, c_ast.PtrDecl):
            return self.pointer(node.type)
        if isinstance(node, c_ast.ArrayDecl) and isinstance(node.dim, (c_ast.ID, c_ast.Constant)):
            size = node.dim.name if isinstance(node.dim, c_ast.ID) else node.dim.value
            return f"{self.ctype(node.type)} * {size}"
        if isinstance(node, c_ast.TypeDecl):
            inner = node.type
            name = inner.name if isinstance(inner, c_ast.Struct) else " ".join(inner.names)
            known = {"void": "None", **SCALARS, **{t: t for t in self.typedefs}}
            if name in known:
                return known[name]
        raise SystemExit(f"{HEADER}:{_line(node)}: no ctypes type for {type(node).__name__}")

    def pointer(self, target: c_ast.Node) -> str:
        """The ctypes expression of a pointer to ``target``."""
        scalar = isinstance(target, c_ast.TypeDecl) and isinstance(
            target.type, c_ast.IdentifierType
        )
        if scalar and target.type.names == ["void"]:
            return "ctypes.c_void_p"
        if scalar and target.type.names == ["char"] and "const" in target.quals:
            return "ctypes.c_char_p"  # a NUL-terminated string; `char *` is a buffer
        return f"ctypes.POINTER({self.ctype(target)})"


_PROTO_HEAD = "PROTOTYPES: dict[str, tuple[Any, list[Any]]] = {"


def _line(node: c_ast.Node) -> int:
    """Where a declaration starts (a struct typedef's coordinate is its last line)."""
    inner = node.type.type if isinstance(node, c_ast.Typedef) else None
    return int((inner if isinstance(inner, c_ast.Struct) else node).coord.line)


def generate(header: Path = HEADER) -> str:
    """The text of ``_bindings.py`` for ``header``."""
    return Generator(Header(header.read_text())).module()


def main() -> None:
    """Writes the module, or prints it with ``--stdout``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stdout", action="store_true", help="print instead of writing")
    text = generate()
    if parser.parse_args().stdout:
        sys.stdout.write(text)
    else:
        OUTPUT.write_text(text)
        print(f"{OUTPUT.relative_to(BINDING.parent.parent)} <- {HEADER.name}")


if __name__ == "__main__":
    main()
