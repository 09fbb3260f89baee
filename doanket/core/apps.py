from django.apps import AppConfig
from django.db.backends.signals import connection_created


def register_sqlite_collation(sender, connection, **kwargs):
    """Give SQLite the collation PostgreSQL has through ICU, under the same name."""
    if connection.vendor == "sqlite":
        from doanket.core.lib.vn_text import vi_collate

        connection.connection.create_collation(VI_COLLATION, vi_collate)


VI_COLLATION = "vi-VN-x-icu"


class CoreConfig(AppConfig):
    name = "doanket.core"
    label = "core"
    verbose_name = "Lõi hệ thống"

    def ready(self):
        connection_created.connect(register_sqlite_collation, dispatch_uid="vi-collation")
