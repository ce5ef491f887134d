"""Only so that the tests can import tools as modules
(``from tools.demo import skeleton_demo``). A tool imports ``usdrl_mm``,
never another tool: shared code belongs in the library
(tests/tools/test_tool_imports.py checks both)."""
