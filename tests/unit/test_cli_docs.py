"""The README's command reference is the live parser's --help (lape_plan/cli_docs.py)."""

from lape_plan import cli_docs


def test_readme_command_reference_is_generated_from_help():
    readme = cli_docs.README.read_text(encoding="utf-8")
    assert cli_docs.current(readme) == cli_docs.generate(), (
        "README.md's command reference differs from --help: run `python -m lape_plan.cli_docs`"
    )


def test_reference_names_every_command_with_its_options():
    text = cli_docs.generate()
    for name, command in cli_docs._commands(cli_docs.build_parser()).items():
        assert f"| `{name}" in text
        for action in command._actions:
            for flag in action.option_strings:
                assert flag in text, (name, flag)


def test_text_does_not_depend_on_the_terminal_width(monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    narrow = cli_docs.generate()
    monkeypatch.setenv("COLUMNS", "250")
    assert cli_docs.generate() == narrow


def test_check_fails_on_a_stale_readme_and_render_fixes_it(tmp_path, monkeypatch):
    readme = tmp_path / "README.md"
    stale = f"# x\n\n{cli_docs.START}\n| `init` | old text |\n{cli_docs.END}\n\n## after\n"
    readme.write_text(stale, encoding="utf-8")
    monkeypatch.setattr(cli_docs, "README", readme)
    assert cli_docs.main(["--check"]) == 1
    assert cli_docs.main([]) == 0
    fixed = readme.read_text(encoding="utf-8")
    assert fixed.startswith("# x\n\n") and fixed.endswith(f"{cli_docs.END}\n\n## after\n")
    assert cli_docs.main(["--check"]) == 0
