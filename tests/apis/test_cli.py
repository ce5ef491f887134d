"""usdrl_mm.apis.cli: how the tools report an unusable input (``error:
MESSAGE`` on stderr, exit status 1, no traceback)."""
import os
import pickle
import re

import pytest

from usdrl_mm.apis.cli import (INPUT_ERRORS, CommandError, error_message,
                               exit_on_error, load_input_pickle, print_error,
                               report_errors)


def test_error_message_unquotes_a_key_error_only():
    assert error_message(ValueError('bad --top-k')) == 'bad --top-k'
    assert error_message(KeyError("unknown skeleton layout 'x'")) == \
        "unknown skeleton layout 'x'"
    assert str(KeyError('x')) == "'x'"  # what it avoids
    assert error_message(FileNotFoundError(2, 'No such file', 'a.pkl')) == \
        "[Errno 2] No such file: 'a.pkl'"


def test_print_error(capsys):
    assert print_error('no video was converted') == 1
    assert capsys.readouterr() == ('', 'error: no video was converted\n')
    assert print_error(KeyError('no layout'), prog='prepare', newline=True) \
        == 1
    assert capsys.readouterr().err == '\nprepare: no layout\n'


def test_report_errors_returns_the_exit_status(capsys):
    calls = []

    def work(a, b=0):
        calls.append((a, b))
        return a

    assert report_errors(work, 3, b=4) == 3
    assert report_errors(lambda: None) == 0
    assert calls == [(3, 4)] and capsys.readouterr() == ('', '')


@pytest.mark.parametrize('error', [
    CommandError('--fps must be >= 0'),
    ValueError('--fps must be >= 0'),
    FileNotFoundError('--fps must be >= 0')
])
def test_report_errors_reports_input_errors(error, capsys):

    def work():
        print('started')
        raise error

    assert isinstance(error, (CommandError, ) + INPUT_ERRORS)
    assert report_errors(work) == 1
    assert capsys.readouterr() == ('started\n', 'error: --fps must be >= 0\n')


def test_report_errors_options(capsys):

    def fail(error):
        raise error

    assert report_errors(
        fail, KeyError('no split'), errors=(KeyError, ), newline=True) == 1
    assert capsys.readouterr().err == '\nerror: no split\n'
    assert report_errors(
        fail, OSError('disk full'), prog='prepare_real_benchmarks') == 1
    assert capsys.readouterr().err == 'prepare_real_benchmarks: disk full\n'
    # errors=(): only CommandError is reported; the rest propagates
    assert report_errors(fail, CommandError('bad'), errors=()) == 1
    assert capsys.readouterr().err == 'error: bad\n'
    with pytest.raises(ValueError, match='a bug'):
        report_errors(fail, ValueError('a bug'), errors=())
    with pytest.raises(KeyError):
        report_errors(fail, KeyError('a bug'))
    assert capsys.readouterr().err == ''


def test_exit_on_error(capsys):
    with exit_on_error(RuntimeError):
        pass
    for error in (RuntimeError('work_dir is busy'), CommandError('busy')):
        with pytest.raises(SystemExit) as exit_:
            with exit_on_error(RuntimeError):
                raise error
        assert exit_.value.code == f'error: {error}'  # stderr, status 1
    with pytest.raises(ValueError):
        with exit_on_error(RuntimeError):
            raise ValueError('not listed')


def test_load_input_pickle(tmp_path):
    good = tmp_path / 'good.pkl'
    good.write_bytes(pickle.dumps(dict(split={}, annotations=[])))
    assert load_input_pickle(str(good)) == dict(split={}, annotations=[])

    missing = str(tmp_path / 'missing.pkl')
    with pytest.raises(
            CommandError,
            match=f'^cannot read {re.escape(missing)}: .*No such file'):
        load_input_pickle(missing)
    junk = tmp_path / 'junk.pkl'
    junk.write_bytes(b'not a pickle')
    with pytest.raises(
            CommandError, match=f'^cannot read {re.escape(str(junk))}: '):
        load_input_pickle(str(junk))
    truncated = tmp_path / 'truncated.pkl'
    truncated.write_bytes(good.read_bytes()[:5])
    with pytest.raises(
            CommandError, match=f'^cannot read {re.escape(str(truncated))}: '):
        load_input_pickle(str(truncated))


class Payload:

    def __reduce__(self):
        return (os.getcwd, ())


def test_load_input_pickle_refuses_an_untrusted_global(tmp_path):
    path = tmp_path / 'code.pkl'
    path.write_bytes(pickle.dumps(Payload()))
    with pytest.raises(
            CommandError,
            match=f'^cannot read {re.escape(str(path))}: .*getcwd'):
        load_input_pickle(str(path))
    assert load_input_pickle(str(path), trust=True) == os.getcwd()
