from django.apps import AppConfig
from django.db.backends.signals import connection_created

# PostgreSQL's ICU Vietnamese collation, and the same with numbers compared as numbers
# ("Tổ dân phố 2" before "Tổ dân phố 10"), created by a migration of this app.
VI_ICU_COLLATION = "vi-VN-x-icu"
VI_COLLATION = "vi-natural"


def register_sqlite_collations(sender, connection, **kwargs):
    """Give SQLite the collations PostgreSQL has through ICU, under the same names."""
    if connection.vendor == "sqlite":
        from doanket.core.lib.vn_text import vi_collate, vi_natural_collate

        connection.connection.create_collation(VI_ICU_COLLATION, vi_collate)
        connection.connection.create_collation(VI_COLLATION, vi_natural_collate)


class CoreConfig(AppConfig):
    name = "doanket.core"
    label = "core"
    verbose_name = "Lõi hệ thống"

    def ready(self):
        connection_created.connect(register_sqlite_collations, dispatch_uid="vi-collation")
