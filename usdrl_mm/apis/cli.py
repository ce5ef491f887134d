"""How the command-line tools report an unusable input or option: one line
``error: MESSAGE`` (or ``PROG: MESSAGE``) on stderr and exit status 1,
without a traceback. Errors a tool does not expect still end in one."""
import pickle
import sys
from contextlib import contextmanager
from typing import Any, Callable, Iterator, Optional, Tuple, Type, Union

from usdrl_mm.fileio import load_pickle

ErrorTypes = Tuple[Type[BaseException], ...]

#: What :func:`report_errors` reports by default: the errors of files that
#: are missing or unreadable and of values that are wrong.
INPUT_ERRORS: ErrorTypes = (OSError, ValueError)


class CommandError(Exception):
    """An unusable input or option; :func:`report_errors` always reports
    it (its message, without a traceback)."""


def error_message(error: BaseException) -> str:
    """The text of ``error`` as a tool prints it: ``str(error)``, except
    that a ``KeyError``'s message is not quoted (``str`` of a ``KeyError``
    is the ``repr`` of its argument)."""
    if isinstance(error, KeyError) and len(error.args) == 1:
        return str(error.args[0])
    return str(error)


def print_error(message: Union[str, BaseException],
                prog: Optional[str] = None,
                newline: bool = False) -> int:
    """Print ``error: MESSAGE`` (``PROG: MESSAGE`` with ``prog``) to
    stderr; returns 1, the exit status of a failed tool.

    Args:
        message (str | BaseException): The text, or an exception whose
            :func:`error_message` is printed.
        prog (str, optional): The prefix instead of ``error``.
        newline (bool): Start with a line break, for a tool whose
            progress bar may have left the cursor at the end of its line.
    """
    if isinstance(message, BaseException):
        message = error_message(message)
    start = '\n' if newline else ''
    print(f'{start}{prog or "error"}: {message}', file=sys.stderr)
    return 1


def report_errors(fn: Callable[..., Optional[int]],
                  *args: Any,
                  errors: ErrorTypes = INPUT_ERRORS,
                  prog: Optional[str] = None,
                  newline: bool = False,
                  **kwargs: Any) -> int:
    """``fn(*args, **kwargs)`` as the body of a tool's ``main``: its exit
    status (``None`` counts as 0), or 1 after :func:`print_error` of a
    :class:`CommandError` or one of ``errors`` it raised.

    Args:
        fn (Callable): The work of the tool; returns an exit status or
            ``None``.
        errors (tuple): The exception types reported besides
            :class:`CommandError` (default :data:`INPUT_ERRORS`; ``()``:
            only :class:`CommandError`). Any other exception propagates.
        prog (str, optional): Passed to :func:`print_error`.
        newline (bool): Passed to :func:`print_error`.
    """
    try:
        status = fn(*args, **kwargs)
    except (CommandError, *errors) as e:
        return print_error(e, prog, newline)
    return 0 if status is None else status


@contextmanager
def exit_on_error(*errors: Type[BaseException]) -> Iterator[None]:
    """Within the block, one of ``errors`` (or a :class:`CommandError`)
    ends the process: ``sys.exit('error: MESSAGE')``, i.e. the line on
    stderr and exit status 1; for a tool whose ``main`` returns nothing
    (``tools/train.py``, ``tools/test.py``)."""
    try:
        yield
    except (CommandError, *errors) as e:
        sys.exit(f'error: {error_message(e)}')


def load_input_pickle(path: str, trust: bool = False) -> Any:
    """:func:`usdrl_mm.fileio.load_pickle` of a tool's input file.

    Raises:
        CommandError: ``cannot read PATH: REASON`` when the file is missing
            or unreadable, is no pickle or a truncated one, or names a
            global outside the allow-list (without ``trust``).
    """
    try:
        return load_pickle(path, trust=trust)
    except (OSError, pickle.UnpicklingError, EOFError) as e:
        raise CommandError(f'cannot read {path}: {e}') from e
