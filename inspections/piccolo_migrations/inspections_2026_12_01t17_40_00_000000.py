"""Issued documents name their template under templates/inspections/print/"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tracker.schema import apply

ID = "2026-12-01T17:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = 'Issued documents name their template under templates/inspections/print/'

# A document is rendered from its frozen snapshot with the template it names; the printable
# templates moved to templates/inspections/print/, so documents issued before (their PDF not yet
# rendered) name the new place. The same statements on both engines.
_MOVED = ("notice", "reply", "stop_work", "resumption")
_STATEMENTS = [f"UPDATE \"issued_document\" SET \"template\" = 'inspections/print/{name}.html' "
               f"WHERE \"template\" = 'inspections/{name}.html'" for name in _MOVED]
STATEMENTS = {'sqlite': _STATEMENTS, 'postgres': _STATEMENTS}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name='inspections', description=DESCRIPTION)

    async def run():
        await apply(STATEMENTS)

    manager.add_raw(run)
    return manager
