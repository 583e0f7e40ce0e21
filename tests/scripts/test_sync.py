import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from helpdesk.errors import ValidationError
from helpdesk.extensions import db
from helpdesk.scripts import fileformat
from helpdesk.scripts.models import Script, ScriptVersion
from helpdesk.scripts.services.runs import start_run
from helpdesk.scripts.services.versions import (
    ScriptProblems,
    canonical_source,
    diff_with_previous,
    save_from_editor,
    sync_directory,
)
from tests.scripts.conftest import SHIPPED
from tests.scripts.test_check import MINI


def sync(directory, make, locales=("en",)):
    return sync_directory(directory, actor=make.SYSTEM, required_locales=locales, display_root=directory)


def versions(key="mini"):
    return list(db.session.scalars(select(ScriptVersion.number).join(Script).where(Script.key == key)
                                   .order_by(ScriptVersion.number)))


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "mini.en.yaml").write_text(MINI, encoding="utf-8")
    return tmp_path


def test_sync_loads_each_file_as_version_one(folder, make):
    result = sync(folder, make)
    assert [(v.script.key, v.script.locale, v.number, v.origin) for v in result.created] == [("mini", "en", 1, "file")]
    script = result.created[0].script
    assert (script.title, script.category, script.program_id, script.latest_number) == ("Mini", "points", None, 1)


def test_syncing_unchanged_files_again_changes_nothing(folder, make):
    sync(folder, make)
    result = sync(folder, make)
    assert result.created == [] and [v.number for v in result.unchanged] == [1]
    assert versions() == [1]


def test_a_changed_file_makes_a_new_version_and_keeps_the_old_one(folder, make):
    first = sync(folder, make).created[0]
    (folder / "mini.en.yaml").write_text(MINI.replace("say: Bye.", "say: Goodbye."), encoding="utf-8")
    second = sync(folder, make).created[0]
    assert (second.number, second.script_id) == (2, first.script_id) and versions() == [1, 2]
    assert first.source == MINI and first.definition["steps"][2]["say"] == "Bye."


def test_a_run_keeps_the_version_it_started_with(folder, make, program):
    script = sync(folder, make).created[0].script
    case = make.case(program)
    run = start_run(case, script, actor=make.SYSTEM)
    (folder / "mini.en.yaml").write_text(MINI.replace("title: Mini", "title: Mini 2"), encoding="utf-8")
    sync(folder, make)
    db.session.expire_all()
    assert run.version.number == 1 and script.latest_number == 2


def test_windows_line_endings_do_not_count_as_a_change(folder, make):
    sync(folder, make)
    (folder / "mini.en.yaml").write_bytes(MINI.replace("\n", "\r\n").encode())
    assert sync(folder, make).created == []


def test_a_sync_does_not_undo_a_newer_editor_version_while_the_file_is_unchanged(folder, make):
    sync(folder, make)
    document = fileformat.load(MINI)
    document["title"] = "Mini, edited"
    save_from_editor(document, actor=make.SYSTEM, script=db.session.scalar(select(Script)))
    assert sync(folder, make).created == [] and versions() == [1, 2]
    (folder / "mini.en.yaml").write_text(MINI.replace("say: Bye.", "say: Ciao."), encoding="utf-8")
    assert [v.number for v in sync(folder, make).created] == [3]


def test_a_malformed_file_stops_the_whole_sync_and_saves_nothing(folder, make):
    (folder / "other.en.yaml").write_text(MINI.replace("id: mini", "id: other").replace("next: sorry", "next: x"))
    with pytest.raises(ScriptProblems) as error:
        sync(folder, make)
    assert [str(p) for p in error.value.problems][0] == "other.en.yaml:16: unknown step 'x'"
    assert db.session.scalar(select(Script.id)) is None


def test_a_script_for_an_unknown_program_is_refused_with_its_line(folder, make):
    (folder / "mini.en.yaml").write_text(MINI.replace("program: all", "program: NOPE"))
    with pytest.raises(ScriptProblems) as error:
        sync(folder, make)
    assert [str(p) for p in error.value.problems] == ["mini.en.yaml:3: no program 'NOPE' in the database"]


def test_a_program_script_belongs_to_its_program(folder, make, program):
    (folder / "mini.en.yaml").write_text(MINI.replace("program: all", f"program: {program.code}"))
    assert sync(folder, make).created[0].script.program == program


def test_the_sync_command_loads_the_shipped_scripts_once(runner):
    first = runner.invoke(args=["scripts", "sync", "--dir", str(SHIPPED)])
    assert first.exit_code == 0, first.output
    assert "21 new version(s), 0 unchanged" in first.output
    again = runner.invoke(args=["scripts", "sync", "--dir", str(SHIPPED)])
    assert "0 new version(s), 21 unchanged" in again.output


def test_the_sync_command_reports_problems_and_exits_non_zero(runner, folder):
    (folder / "mini.en.yaml").write_text(MINI.replace("category: points", "category: nope"))
    result = runner.invoke(args=["scripts", "sync", "--dir", str(folder)])
    assert result.exit_code == 1 and "mini.en.yaml:4: unknown category 'nope'" in result.output
    assert db.session.scalar(select(Script.id)) is None


def test_an_exported_file_version_is_the_file_as_written(folder, make):
    version = sync(folder, make).created[0]
    assert version.source == MINI


def test_a_version_diffs_against_the_one_before(folder, make):
    sync(folder, make)
    (folder / "mini.en.yaml").write_text(MINI.replace("say: Bye.", "say: Goodbye."), encoding="utf-8")
    lines = diff_with_previous(sync(folder, make).created[0])
    assert lines[:2] == ["--- mini.en.yaml v1", "+++ mini.en.yaml v2"]
    assert [line for line in lines if line[:1] in "+-" and line[:3] not in ("---", "+++")] == [
        "-    say: Bye.", "+    say: Goodbye."]


def test_the_first_version_diffs_against_nothing(folder, make):
    version = sync(folder, make).created[0]
    lines = diff_with_previous(version)
    assert lines[2:] and all(line.startswith(("+", "@")) for line in lines[2:])
    assert [line[1:] for line in lines[3:]] == canonical_source(version).splitlines()


def test_the_diff_ignores_comments_and_layout_of_a_hand_written_file(folder, make):
    sync(folder, make)
    (folder / "mini.en.yaml").write_text("# A comment\n" + MINI.replace("    next: done\n", "    next:   done\n\n"))
    assert diff_with_previous(sync(folder, make).created[0]) == []


def test_an_editor_save_checks_like_a_file_and_saves_nothing_when_wrong(make):
    document = fileformat.load(MINI)
    document["steps"][0]["branches"][1]["next"] = "nowhere"
    with pytest.raises(ScriptProblems) as error:
        save_from_editor(document, actor=make.SYSTEM)
    assert [(p.path, p.message) for p in error.value.problems][0] == (("steps", 0, "branches", 1, "next"),
                                                                      "unknown step 'nowhere'")
    assert db.session.scalar(select(Script.id)) is None


def test_an_editor_save_makes_a_version_that_exports_to_the_file_format(make):
    version = save_from_editor(fileformat.load(MINI), actor=make.SYSTEM)
    assert (version.number, version.origin, version.author_name) == (1, "editor", "Test")
    exported = fileformat.load(version.source)
    assert exported["id"] == "mini"
    assert exported["steps"][0]["say"] == "Hello {{ participant.first_name }}.\nDid it work?\n"


def test_the_editor_cannot_rename_an_existing_script_or_reuse_a_taken_id(make):
    version = save_from_editor(fileformat.load(MINI), actor=make.SYSTEM)
    renamed = fileformat.load(MINI.replace("id: mini", "id: maxi"))
    with pytest.raises(ValidationError, match="cannot change"):
        save_from_editor(renamed, actor=make.SYSTEM, script=version.script)
    with pytest.raises(ValidationError, match="already exists"):
        save_from_editor(fileformat.load(MINI), actor=make.SYSTEM)


def test_a_manager_cannot_give_a_script_to_a_program_they_do_not_serve(make, program):
    manager = make.user(role="manager", programs=[program])
    other = make.program()
    with pytest.raises(ValidationError, match="no program"):
        save_from_editor(fileformat.load(MINI.replace("program: all", f"program: {other.code}")), actor=manager)


def test_sync_finds_a_script_by_its_program_key_and_locale(folder, make, program):
    own = save_from_editor(fileformat.load(MINI.replace("program: all", f"program: {program.code}")),
                           actor=make.SYSTEM).script
    shared = sync(folder, make).created[0].script
    assert (shared.program_id, own.program_id, own.latest_number) == (None, program.id, 1)
    (folder / "mini.en.yaml").write_text(MINI.replace("title: Mini", "title: Changed"))
    assert sync(folder, make).created[0].script == shared and own.title == "Mini"


def test_the_database_keeps_keys_unique_within_a_program_and_within_all_programs(make, program):
    for program_id in (None, program.id):
        db.session.add(Script(key="twice", locale="en", title="Twice", program_id=program_id, category="other"))
        db.session.flush()
        with pytest.raises(IntegrityError), db.session.begin_nested():
            db.session.add(Script(key="twice", locale="en", title="Again", program_id=program_id, category="other"))
