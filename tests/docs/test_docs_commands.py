"""Every command of README.md and docs/*.md is exercised.

- Every ``bash`` block command: the scripts it names exist, the configs it
  names load, and a python tool accepts its arguments (its own argparse
  parser is run on them; the tool stops right after parsing).
- Blocks preceded by ``<!-- docs-test: run -->`` are run as written, in
  page order (getting_started.md first), in a scratch folder that links the
  repository's code and configs, so they write their data and work dirs
  there.
- Every relative link of the docs points at a file that exists.
"""
import argparse
import os
import os.path as osp
import re
import runpy
import shlex
import subprocess
import sys
from typing import Iterator, List, NamedTuple

import pytest
from mmengine.config import Config

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DOCS = ['docs/getting_started.md'] + sorted(
    f'docs/{name}' for name in os.listdir(osp.join(REPO, 'docs'))
    if name.endswith('.md') and name != 'getting_started.md') + ['README.md']
RUN_MARK = '<!-- docs-test: run -->'
# words that stand for a user's own value in a command
PLACEHOLDER = re.compile(r'^[A-Z][A-Z0-9_]*(\.[a-z]+)?$|[A-Z]{3,}')
LINKED = ('configs', 'tools', 'usdrl_mm', 'projects', 'requirements', 'docs',
          'tests', 'setup.py', 'setup.cfg', 'pytest.ini', 'conftest.py')


class Block(NamedTuple):
    doc: str
    line: int
    lang: str
    text: str
    run: bool


class Command(NamedTuple):
    doc: str
    line: int
    text: str


def blocks(doc: str) -> Iterator[Block]:
    lines = open(osp.join(REPO, doc)).read().splitlines()
    i = 0
    while i < len(lines):
        match = re.match(r'^```(\w+)', lines[i])
        if match:
            start = i
            i += 1
            body = []
            while not lines[i].startswith('```'):
                body.append(lines[i])
                i += 1
            run = start > 0 and lines[start - 1].strip() == RUN_MARK
            yield Block(doc, start + 1, match.group(1), '\n'.join(body), run)
        i += 1


def commands(block: Block) -> Iterator[Command]:
    """Lines of a bash block, continuations joined, comments dropped."""
    text = re.sub(r'\\\n\s*', ' ', block.text)
    for offset, line in enumerate(text.splitlines()):
        line = line.split(' #')[0].strip()
        if line and not line.startswith('#'):
            yield Command(block.doc, block.line + offset, line)


def all_blocks() -> List[Block]:
    return [b for doc in DOCS for b in blocks(doc)]


def bash_commands() -> List[Command]:
    return [c for b in all_blocks() if b.lang == 'bash' for c in commands(b)]


def is_placeholder(word: str) -> bool:
    return bool(PLACEHOLDER.search(word)) or word.startswith('[')


class Parsed(Exception):
    """Raised instead of running a tool once its arguments parsed."""


def check_tool_arguments(script: str, argv: List[str], monkeypatch) -> None:
    """Run ``script``'s own argparse parser on ``argv`` and stop there.

    Unknown options, missing arguments and bad choices fail; a ``type``
    check that a file exists is let through (the docs name files that the
    commands before them write, or stand-ins like ``CKPT``).
    """
    original = argparse.ArgumentParser.parse_args
    get_value = argparse.ArgumentParser._get_value

    def lenient_value(self, action, arg_string):
        try:
            return get_value(self, action, arg_string)
        except argparse.ArgumentError as err:
            if isinstance(err.__context__, argparse.ArgumentTypeError):
                return arg_string
            raise

    def parse_only(self, args=None, namespace=None):
        original(self, argv, namespace)  # SystemExit(2) on bad arguments
        raise Parsed

    monkeypatch.setattr(argparse.ArgumentParser, 'parse_args', parse_only)
    monkeypatch.setattr(argparse.ArgumentParser, '_get_value', lenient_value)
    monkeypatch.setattr(sys, 'argv', [script, *argv])
    with pytest.raises(Parsed):
        runpy.run_path(osp.join(REPO, script), run_name='__main__')


def test_the_docs_have_commands_and_run_blocks():
    cmds = bash_commands()
    assert len(cmds) > 40
    runs = [b for b in all_blocks() if b.run]
    assert {b.doc for b in runs} >= {'docs/getting_started.md'}
    assert all(b.lang in ('bash', 'python') for b in runs)


@pytest.mark.parametrize(
    'cmd', bash_commands(), ids=lambda c: f'{c.doc}:{c.line}')
def test_command_names_real_files_and_valid_arguments(cmd, monkeypatch):
    words = shlex.split(cmd.text)
    if words[0] in ('source', 'cd', 'export', 'pip', 'git'):
        return
    for word in words:
        for path in re.findall(r'(?:^|=)((?:configs|tools)/[\w./+-]+)', word):
            if is_placeholder(path):
                continue
            assert osp.exists(osp.join(REPO, path)), \
                f'{cmd.doc}:{cmd.line}: {path} does not exist'
            if path.startswith('configs/') and path.endswith('.py'):
                Config.fromfile(osp.join(REPO, path))
    usage = any(w.startswith('[') or w == '...' for w in words)
    if words[0] == 'python' and words[1].startswith('tools/') \
            and words[1].endswith('.py') and not usage:
        argv = words[2:]
        monkeypatch.chdir(REPO)
        check_tool_arguments(words[1], argv, monkeypatch)


def test_relative_links_exist():
    for doc in DOCS:
        text = open(osp.join(REPO, doc)).read()
        for target in re.findall(r'\]\(([^)#\s]+)(?:#[^)]*)?\)', text):
            if '://' in target:
                continue
            path = osp.normpath(osp.join(REPO, osp.dirname(doc), target))
            assert osp.exists(path), f'{doc}: broken link {target}'


@pytest.fixture(scope='module')
def sandbox(tmp_path_factory) -> str:
    """A folder that sees the repository's code but keeps its own data and
    work dirs."""
    root = tmp_path_factory.mktemp('docs')
    for name in LINKED:
        os.symlink(osp.join(REPO, name), root / name)
    return str(root)


# about 5 minutes on 2 cores (the getting-started trainings): out of the
# default suite to keep it within its time; run with -m slow
@pytest.mark.slow
def test_run_blocks_run_as_written(sandbox):
    env = dict(os.environ)
    env['PYTHONPATH'] = REPO + os.pathsep + env.get('PYTHONPATH', '')
    # `python` in the blocks is this interpreter
    env['PATH'] = osp.dirname(sys.executable) + os.pathsep + env['PATH']
    for block in [b for b in all_blocks() if b.run]:
        if block.lang == 'bash':
            args = ['bash', '-euo', 'pipefail', '-c', block.text]
        else:
            args = [sys.executable, '-c', block.text]
        proc = subprocess.run(
            args,
            cwd=sandbox,
            env=env,
            capture_output=True,
            text=True,
            timeout=900)
        out = proc.stdout + proc.stderr
        assert proc.returncode == 0, \
            f'{block.doc}:{block.line} failed:\n{block.text}\n{out[-3000:]}'


def test_the_argument_check_rejects_a_wrong_option(monkeypatch):
    monkeypatch.chdir(REPO)
    with pytest.raises(SystemExit):
        check_tool_arguments('tools/test.py',
                             ['CONFIG', 'CKPT', '--no-such-option'],
                             monkeypatch)
