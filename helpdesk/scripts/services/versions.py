"""Script versions: made by ``scripts sync`` from the files or by a manager's editor; never changed afterwards.

A version keeps its source text (the file as written, or the editor's export), so any version can be exported
and diffed against the one before. Cases keep the version their runs used.

Scripts for all programs change what every program's agents read: only admins (and the files' sync) make,
change or re-scope them. A program's manager copies one into their program instead and changes the copy.
"""

import difflib
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from helpdesk.actors import Actor, can_access
from helpdesk.audit.services import record
from helpdesk.auth.models import User
from helpdesk.database import utcnow
from helpdesk.errors import Forbidden, NotFound, ValidationError
from helpdesk.extensions import db
from helpdesk.programs.models import Program
from helpdesk.scripts import fileformat
from helpdesk.scripts.checker import FileProblem, check_directory, check_document, display_path
from helpdesk.scripts.definition import Definition
from helpdesk.scripts.models import Script, ScriptVersion

FILE, EDITOR = "file", "editor"
MAX_KEY = 64


class ScriptProblems(ValidationError):
    """A script that does not pass the checks; ``problems`` holds every one (Problem or FileProblem)."""

    def __init__(self, problems: list):
        self.problems = problems
        summary = "; ".join(str(getattr(p, "message", p)) for p in problems[:3])
        super().__init__({"script": f"has {len(problems)} problem(s)"}, summary)


def checksum(source: str) -> str:
    return hashlib.sha256(source.replace("\r\n", "\n").encode()).hexdigest()


def _author(actor: Actor) -> dict:
    return {"author_id": actor.id if isinstance(actor, User) else None, "author_name": actor.display_name}


def get_script(script_id: int, *, actor: Actor) -> Script:
    script = db.session.get(Script, script_id)
    if script is None or (script.program_id is not None and not can_access(actor, script.program_id)):
        raise NotFound("no such script")
    return script


def may_change_shared(actor: Actor) -> bool:
    """Whether ``actor`` may make, change or re-scope scripts for all programs: admins and the system."""
    return actor.visible_program_ids() is None


def _check_shared(actor: Actor) -> None:
    if not may_change_shared(actor):
        raise Forbidden("only an admin can change scripts for all programs; copy the script into your program "
                        "to change it there")


def editable_script(script_id: int, *, actor: Actor) -> Script:
    """The script ``actor`` is about to change in the editor: NotFound as ``get_script``, Forbidden for a
    script for all programs unless the actor may change those."""
    script = get_script(script_id, actor=actor)
    if script.program_id is None:
        _check_shared(actor)
    return script


def get_version(script: Script, number: int) -> ScriptVersion:
    version = db.session.scalar(select(ScriptVersion).where(ScriptVersion.script_id == script.id,
                                                            ScriptVersion.number == number))
    if version is None:
        raise NotFound(f"{script.key} has no version {number}")
    return version


def latest_version(script: Script) -> ScriptVersion:
    return get_version(script, script.latest_number)


def versions_of(script: Script, limit: int = 200) -> list[ScriptVersion]:
    return list(db.session.scalars(select(ScriptVersion).where(ScriptVersion.script_id == script.id)
                                   .order_by(ScriptVersion.number.desc()).limit(limit)))


def visible_scripts(actor: Actor, limit: int = 500) -> list[Script]:
    """Scripts for every program plus those of the actor's programs, by key and locale."""
    query = select(Script).order_by(Script.key, Script.locale).limit(limit)
    visible = actor.visible_program_ids()
    if visible is not None:
        query = query.where(Script.program_id.is_(None) | Script.program_id.in_(visible))
    return list(db.session.scalars(query))


def definition_of(version: ScriptVersion) -> Definition:
    return Definition.from_json(version.definition)


def record_version(definition: Definition, *, source: str, origin: str, actor: Actor, script: Script | None = None,
                   new: bool = False) -> tuple[ScriptVersion, bool]:
    """A new version of ``script`` (the one the editor changes) or else of the script ``definition.id`` in its
    locale and program (made when there is none; ``new``: refused when there is one), or the latest version when
    nothing changed. Keys are unique per program, so nothing is looked up outside the definition's program.

    Unchanged means the same text as the latest version or, from a file, as the latest version synced from a
    file (so ``sync`` does not undo an editor's newer version while the file stays as it was).
    """
    program = _program(definition.program, actor)
    taken = _script_in(program, definition.id, definition.locale)
    if taken is not None and (new or script not in (None, taken)):
        raise ValidationError("id", f"a script {definition.id} ({definition.locale}) already exists in "
                                    f"{program.code if program else 'all programs'}")
    script = script or taken
    digest = checksum(source)
    if script is not None:
        if script.program_id is None:
            _check_shared(actor)
        latest = latest_version(script)
        if digest in (latest.checksum, _last_file_checksum(script) if origin == FILE else None):
            return latest, False
    else:
        script = Script(key=definition.id, locale=definition.locale, latest_number=0, created_at=utcnow())
        db.session.add(script)
    scope_before = (script.program.code if script.program else "all") if script.id else None
    script.title, script.category, script.rank = definition.title, definition.category, definition.rank
    script.program = program
    script.latest_number += 1
    script.updated_at = now = utcnow()
    version = ScriptVersion(script=script, number=script.latest_number, source=source, checksum=digest,
                            definition=definition.to_json(), origin=origin, created_at=now, **_author(actor))
    db.session.add(version)
    db.session.flush()
    scope = program.code if program else "all"
    record("script.published", actor=actor, target=script, program=program,
           changes={"program": [scope_before, scope]} if scope_before != scope else None,
           details={"key": script.key, "locale": script.locale, "version": version.number, "origin": origin})
    return version, True


def _script_in(program: Program | None, key: str, locale: str) -> Script | None:
    """The script ``key`` in ``locale`` of ``program`` (None: the one for all programs, a namespace of its own)."""
    return db.session.scalar(select(Script).where(Script.program_id == (program.id if program else None),
                                                  Script.key == key, Script.locale == locale))


def _program(code: str, actor: Actor) -> Program | None:
    if code == "all":
        _check_shared(actor)
        return None
    program = db.session.scalar(select(Program).where(Program.code == code))
    if program is None or not can_access(actor, program.id):
        raise ValidationError("program", f"no program {code!r}")
    return program


def _last_file_checksum(script: Script) -> str | None:
    return db.session.scalar(select(ScriptVersion.checksum).where(ScriptVersion.script_id == script.id,
                                                                  ScriptVersion.origin == FILE)
                             .order_by(ScriptVersion.number.desc()).limit(1))


def save_from_editor(document: dict, *, actor: Actor, script: Script | None = None) -> ScriptVersion:
    """Check an editor submission (the file format as a dict) and save it as a new version of ``script``."""
    definition, problems = check_document(document)
    if script is not None and definition is not None and (definition.id, definition.locale) != (script.key,
                                                                                                 script.locale):
        raise ValidationError("id", "the id and locale of an existing script cannot change")
    if problems:
        raise ScriptProblems(problems)
    source = fileformat.dump(fileformat.to_document(definition))
    version, _ = record_version(definition, source=source, origin=EDITOR, actor=actor, script=script,
                                new=script is None)
    return version


def copy_key(script: Script, program: Program) -> str:
    """The id of ``script``'s copy for ``program``: ``complaint`` copied into AURORA_PL is ``complaint-aurora-pl``."""
    suffix = "-" + program.code.lower().replace("_", "-")
    return script.key[:MAX_KEY - len(suffix)] + suffix


def copy_script(script: Script, program_code: str, *, actor: Actor) -> ScriptVersion:
    """A script of the program ``program_code`` with the title, category and steps of ``script``'s latest
    version, as version 1 of a script of its own; suggested before the original on that program's cases."""
    program = _program(program_code, actor) if program_code != "all" else None
    if program is None or program.id == script.program_id:
        raise ValidationError("program", "choose one of your programs to copy the script into")
    key = copy_key(script, program)
    if _script_in(program, key, script.locale) is not None:
        raise ValidationError("program", f"{program.code} has a copy already: {key} ({script.locale})")
    copied = Definition.from_json({**latest_version(script).definition, "id": key, "program": program.code})
    source = fileformat.dump(fileformat.to_document(copied))
    version, _ = record_version(copied, source=source, origin=EDITOR, actor=actor)
    record("script.copied", actor=actor, target=script, program=program,
           details={"from": f"{script.key} ({script.locale})", "to": key, "program": program.code})
    return version


@dataclass
class SyncResult:
    created: list[ScriptVersion] = field(default_factory=list)
    unchanged: list[ScriptVersion] = field(default_factory=list)


def sync_directory(directory: Path, *, actor: Actor, required_locales, display_root: Path | None = None
                   ) -> SyncResult:
    """Load every script file: a changed file makes a new version. Any problem: ScriptProblems, nothing saved."""
    good, problems = check_directory(directory, required_locales, display_root)
    codes = {d.program for d in good.values()} - {"all"}
    known = set(db.session.scalars(select(Program.code).where(Program.code.in_(codes)))) if codes else set()
    for path, definition in good.items():
        if definition.program != "all" and definition.program not in known:
            line = fileformat.line_of(fileformat.load(path.read_text(encoding="utf-8")), ("program",))
            problems.append(FileProblem(display_path(path, display_root), line,
                                        f"no program {definition.program!r} in the database"))
    if problems:
        raise ScriptProblems(sorted(problems))
    result = SyncResult()
    for path, definition in good.items():
        version, created = record_version(definition, source=path.read_text(encoding="utf-8"), origin=FILE,
                                          actor=actor)
        (result.created if created else result.unchanged).append(version)
    return result


def export_name(version: ScriptVersion) -> str:
    return fileformat.file_name(version.script.key, version.script.locale)


def canonical_source(version: ScriptVersion) -> str:
    """The version in the file format as the editor writes it: no comments, one layout."""
    return fileformat.dump(fileformat.to_document(definition_of(version)))


def diff_with_previous(version: ScriptVersion) -> list[str]:
    """Unified diff from the previous version (nothing for version 1) to this one.

    Both sides are compared in their canonical form, so comments and layout of a hand-written file do not show
    as changes when a manager edits it in the editor; only what the script says and does.
    """
    previous = canonical_source(get_version(version.script, version.number - 1)) if version.number > 1 else ""
    name = export_name(version)
    return list(difflib.unified_diff(previous.splitlines(), canonical_source(version).splitlines(), lineterm="",
                                     fromfile=f"{name} v{version.number - 1}", tofile=f"{name} v{version.number}"))
