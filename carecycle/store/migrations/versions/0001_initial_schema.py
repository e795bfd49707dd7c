"""initial schema

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _on_postgres() -> bool:
    # Secondary indexes serve PostgreSQL only; DuckDB's would just slow bulk loads.
    return op.get_bind().dialect.name == "postgresql"


def _create_postgres_index(name: str, table: str, columns: list[str]) -> None:
    if _on_postgres():
        op.create_index(name, table, columns)


def _drop_postgres_index(name: str, table: str) -> None:
    if _on_postgres():
        op.drop_index(name, table_name=table)


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("registration_id", sa.String(length=64), nullable=True),
        sa.Column("size", sa.String(length=16), nullable=True),
        sa.Column("employees", sa.Integer(), nullable=True),
        sa.Column("industry", sa.String(length=64), nullable=True),
        sa.Column("region", sa.String(length=64), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("postcode", sa.String(length=16), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("segment", sa.String(length=32), nullable=True),
        sa.Column("partner_id", sa.String(length=64), nullable=True),
        sa.Column("created_on", sa.Date(), nullable=True),
        sa.Column("merged_into", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_accounts")),
    )
    _create_postgres_index("ix_accounts_partner_id", "accounts", ["partner_id"])
    _create_postgres_index("ix_accounts_registration_id", "accounts", ["registration_id"])
    op.create_table(
        "agreements",
        sa.Column("agreement_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("program", sa.String(length=16), nullable=False),
        sa.Column("sa", sa.Boolean(), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column("value", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("renewed_from", sa.String(length=64), nullable=True),
        sa.Column("partner_id", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("agreement_id", name=op.f("pk_agreements")),
    )
    _create_postgres_index("ix_agreements_account_id", "agreements", ["account_id"])
    _create_postgres_index("ix_agreements_end_on", "agreements", ["end_on"])
    op.create_table(
        "contacts",
        sa.Column("contact_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=64), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("email_issue", sa.String(length=120), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("phone_issue", sa.String(length=120), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("preferred_channel", sa.String(length=16), nullable=True),
        sa.Column("consent_email", sa.Boolean(), nullable=True),
        sa.Column("consent_mail", sa.Boolean(), nullable=True),
        sa.Column("consent_phone", sa.Boolean(), nullable=True),
        sa.Column("do_not_contact", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=True),
        sa.Column("merged_into", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("contact_id", name=op.f("pk_contacts")),
    )
    _create_postgres_index("ix_contacts_account_id", "contacts", ["account_id"])
    _create_postgres_index("ix_contacts_email", "contacts", ["email"])
    _create_postgres_index("ix_contacts_phone", "contacts", ["phone"])
    op.create_table(
        "import_log",
        sa.Column("import_id", sa.String(length=32), nullable=False),
        sa.Column("batch_id", sa.String(length=32), nullable=False),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("file", sa.String(length=1000), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("import_id", name=op.f("pk_import_log")),
    )
    op.create_table(
        "merge_log",
        sa.Column("merge_id", sa.String(length=32), nullable=False),
        sa.Column("duplicate_id", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=16), nullable=False),
        sa.Column("survivor_id", sa.String(length=64), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("merged_at", sa.DateTime(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("merge_id", "duplicate_id", name=op.f("pk_merge_log")),
    )
    _create_postgres_index("ix_merge_log_survivor_id", "merge_log", ["survivor_id"])
    op.create_table(
        "opportunities",
        sa.Column("opportunity_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=True),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=True),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("opportunity_id", name=op.f("pk_opportunities")),
    )
    _create_postgres_index("ix_opportunities_account_id", "opportunities", ["account_id"])
    op.create_table(
        "order_lines",
        sa.Column("order_line_id", sa.String(length=64), nullable=False),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.PrimaryKeyConstraint("order_line_id", name=op.f("pk_order_lines")),
    )
    _create_postgres_index("ix_order_lines_order_id", "order_lines", ["order_id"])
    op.create_table(
        "orders",
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("ordered_on", sa.Date(), nullable=False),
        sa.Column("partner_id", sa.String(length=64), nullable=True),
        sa.Column("agreement_id", sa.String(length=64), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("status", sa.String(length=16), server_default="booked", nullable=False),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_orders")),
    )
    _create_postgres_index("ix_orders_account_id", "orders", ["account_id"])
    _create_postgres_index("ix_orders_ordered_on", "orders", ["ordered_on"])
    op.create_table(
        "partners",
        sa.Column("partner_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("tier", sa.String(length=16), nullable=True),
        sa.Column("region", sa.String(length=64), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("email_issue", sa.String(length=120), nullable=True),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("phone_issue", sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint("partner_id", name=op.f("pk_partners")),
    )
    op.create_table(
        "products",
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("family", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("list_price", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.PrimaryKeyConstraint("product_id", name=op.f("pk_products")),
    )
    op.create_table(
        "referrals",
        sa.Column("referral_id", sa.String(length=64), nullable=False),
        sa.Column("referrer_account_id", sa.String(length=64), nullable=False),
        sa.Column("referrer_contact_id", sa.String(length=64), nullable=True),
        sa.Column("referred_company", sa.String(length=200), nullable=False),
        sa.Column("referred_account_id", sa.String(length=64), nullable=True),
        sa.Column("referred_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("referral_id", name=op.f("pk_referrals")),
    )
    _create_postgres_index("ix_referrals_referrer_account_id", "referrals", ["referrer_account_id"])
    op.create_table(
        "support_cases",
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("contact_id", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("sla_met", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_support_cases")),
    )
    _create_postgres_index("ix_support_cases_account_id", "support_cases", ["account_id"])
    op.create_table(
        "usage_snapshots",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("product_id", sa.String(length=64), nullable=False),
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=True),
        sa.Column("active_users", sa.Integer(), nullable=True),
        sa.Column("features_used", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint(
            "account_id", "product_id", "measured_on", name=op.f("pk_usage_snapshots")
        ),
    )
    op.create_table(
        "web_visits",
        sa.Column("account_id", sa.String(length=64), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("page_views", sa.Integer(), nullable=False),
        sa.Column("unique_visitors", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "visited_on", name=op.f("pk_web_visits")),
    )


def downgrade() -> None:
    op.drop_table("web_visits")
    op.drop_table("usage_snapshots")
    _drop_postgres_index("ix_support_cases_account_id", "support_cases")
    op.drop_table("support_cases")
    _drop_postgres_index("ix_referrals_referrer_account_id", "referrals")
    op.drop_table("referrals")
    op.drop_table("products")
    op.drop_table("partners")
    _drop_postgres_index("ix_orders_ordered_on", "orders")
    _drop_postgres_index("ix_orders_account_id", "orders")
    op.drop_table("orders")
    _drop_postgres_index("ix_order_lines_order_id", "order_lines")
    op.drop_table("order_lines")
    _drop_postgres_index("ix_opportunities_account_id", "opportunities")
    op.drop_table("opportunities")
    _drop_postgres_index("ix_merge_log_survivor_id", "merge_log")
    op.drop_table("merge_log")
    op.drop_table("import_log")
    _drop_postgres_index("ix_contacts_phone", "contacts")
    _drop_postgres_index("ix_contacts_email", "contacts")
    _drop_postgres_index("ix_contacts_account_id", "contacts")
    op.drop_table("contacts")
    _drop_postgres_index("ix_agreements_end_on", "agreements")
    _drop_postgres_index("ix_agreements_account_id", "agreements")
    op.drop_table("agreements")
    _drop_postgres_index("ix_accounts_registration_id", "accounts")
    _drop_postgres_index("ix_accounts_partner_id", "accounts")
    op.drop_table("accounts")
