"""Every table of the store, in SQLAlchemy Core, for DuckDB and PostgreSQL alike.

Imported entities are keyed by the source system's id (a string) so that a re-import
updates in place. Platform rows (import log, merge log) use application-made ids.
Column names avoid words DuckDB reserves (`at`, `order`, …).
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "pk": "pk_%(table_name)s",
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    }
)

LICENCE_PROGRAMS = ("open_license", "open_value", "select", "ea", "olv", "subscription")
PRODUCT_KINDS = ("annuity", "perpetual")
ACCOUNT_SIZES = ("micro", "small", "medium", "large")
CHANNELS = ("edm", "dm", "tsr_call", "pam", "partner", "web")
LANGUAGES = ("en", "zh")
ORDER_STATUSES = ("booked", "cancelled", "refunded")
CASE_KINDS = ("issue", "complaint")
SEVERITIES = ("low", "medium", "high", "critical")
OPPORTUNITY_STAGES = ("open", "won", "lost")
REFERRAL_STATUSES = ("pending", "qualified", "purchased", "rejected")
PARTNER_TIERS = ("gold", "silver", "registered")
# A touch's life: the planner's decisions first, then what the channels report.
PLANNER_STATUSES = (
    "planned",
    "deferred",
    "held_out",
    "suppressed",
    "dropped",
    "expired",
    "cancelled",
)
CHANNEL_STATUSES = (
    "sent", "delivered", "bounced", "failed", "opened", "clicked",
    "reached", "not_reached", "responded", "completed", "unsubscribed",
)  # fmt: skip
TOUCH_STATUSES = PLANNER_STATUSES + CHANNEL_STATUSES
# Statuses that mean the customer did not get (and will not get) the touch. A held-out
# touch is not among them: the control group moves through the stages as if it got it.
NOT_RECEIVED = (
    "deferred",
    "suppressed",
    "dropped",
    "expired",
    "cancelled",
    "bounced",
    "failed",
)
# Statuses that show the customer answered through the touch's channel.
RESPONSES = ("opened", "clicked", "reached", "responded", "completed")
HOLDOUT_ARMS = ("test", "holdout")
# What happens to a touch once a channel has it; recorded in `touch_events`.
OUTCOME_TYPES = (
    "delivered", "bounced", "failed", "opened", "clicked", "unsubscribed",
    "reached", "not_reached", "wrong_number", "call_back", "opportunity", "complaint",
    "profiling", "responded", "completed", "returned",
)  # fmt: skip
# A call is attempted once an outcome of dialling is recorded, and its contact reached on
# one of these outcomes.
CALL_ATTEMPTS = (
    "reached", "not_reached", "wrong_number", "call_back", "opportunity", "complaint",
    "profiling", "responded", "completed", "unsubscribed",
)  # fmt: skip
CALL_REACHED = ("reached", "opportunity", "complaint", "profiling", "responded", "completed")
# A touch's milestones: the first moment it took an event of each kind, kept on the touch
# (`touches.sent_at` …) as its events are written, so activity needs no pass over them.
MILESTONES = {"sent_at": ("sent",), "attempted_at": CALL_ATTEMPTS, "reached_at": CALL_REACHED}
# A dispatch is the outbox row of a touch handed to a channel: claimed before anything
# leaves, `transmitting` once an email's body is with the server but not yet committed
# there, then sent (email, letters, lists), queued (calls) or failed; a call is closed
# once its outcome is final.
DISPATCH_STATES = ("claimed", "transmitting", "sent", "queued", "retry", "closed", "failed")
SENDABLE_CHANNELS = ("edm", "dm", "tsr_call", "pam", "partner")

MONEY = sa.Numeric(18, 2)
ID = sa.String(64)


def _id(name: str) -> sa.Column[str]:
    return sa.Column(name, ID, primary_key=True)


def _ref(name: str, *, nullable: bool = True) -> sa.Column[str]:
    # References are checked by the importer, not by foreign keys: DuckDB cannot update a
    # row that other rows reference, which an idempotent re-import must do.
    return sa.Column(name, ID, nullable=nullable)


partners = sa.Table(
    "partners",
    metadata,
    _id("partner_id"),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("tier", sa.String(16)),
    sa.Column("region", sa.String(64)),
    sa.Column("email", sa.String(254)),
    sa.Column("email_issue", sa.String(120)),
    sa.Column("phone", sa.String(32)),
    sa.Column("phone_issue", sa.String(120)),
)

accounts = sa.Table(
    "accounts",
    metadata,
    _id("account_id"),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("registration_id", sa.String(64)),
    sa.Column("size", sa.String(16)),
    sa.Column("employees", sa.Integer),
    sa.Column("industry", sa.String(64)),
    sa.Column("region", sa.String(64)),
    sa.Column("city", sa.String(100)),
    sa.Column("postcode", sa.String(16)),
    sa.Column("address", sa.String(300)),
    sa.Column("country", sa.String(2)),
    sa.Column("language", sa.String(8)),
    sa.Column("segment", sa.String(32)),
    _ref("partner_id"),
    sa.Column("created_on", sa.Date),
    sa.Column("merged_into", ID, doc="Survivor's id when this account was merged as a duplicate."),
)

contacts = sa.Table(
    "contacts",
    metadata,
    _id("contact_id"),
    _ref("account_id", nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("role", sa.String(64)),
    sa.Column("email", sa.String(254)),
    sa.Column("email_issue", sa.String(120)),
    sa.Column("phone", sa.String(32)),
    sa.Column("phone_issue", sa.String(120)),
    sa.Column("language", sa.String(8)),
    sa.Column("preferred_channel", sa.String(16)),
    sa.Column("consent_email", sa.Boolean),
    sa.Column("consent_mail", sa.Boolean),
    sa.Column("consent_phone", sa.Boolean),
    sa.Column("do_not_contact", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_on", sa.Date),
    sa.Column("merged_into", ID, doc="Survivor's id when this contact was merged as a duplicate."),
)

products = sa.Table(
    "products",
    metadata,
    _id("product_id"),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("family", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("list_price", MONEY),
    sa.Column("currency", sa.String(3)),
)

agreements = sa.Table(
    "agreements",
    metadata,
    _id("agreement_id"),
    _ref("account_id", nullable=False),
    sa.Column("program", sa.String(16), nullable=False),
    sa.Column("sa", sa.Boolean, nullable=False),
    sa.Column("start_on", sa.Date, nullable=False),
    sa.Column("end_on", sa.Date, nullable=False),
    sa.Column("value", MONEY),
    sa.Column("currency", sa.String(3)),
    _ref("renewed_from"),
    _ref("partner_id"),
    sa.Column("cancelled_on", sa.Date, doc="Set when the agreement was cancelled."),
)

orders = sa.Table(
    "orders",
    metadata,
    _id("order_id"),
    _ref("account_id", nullable=False),
    sa.Column("ordered_on", sa.Date, nullable=False),
    _ref("partner_id"),
    _ref("agreement_id"),
    sa.Column("currency", sa.String(3)),
    sa.Column("status", sa.String(16), nullable=False, server_default="booked"),
)

order_lines = sa.Table(
    "order_lines",
    metadata,
    _id("order_line_id"),
    _ref("order_id", nullable=False),
    _ref("product_id", nullable=False),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.Column("unit_price", MONEY),
    sa.Column("amount", MONEY, nullable=False),
)

usage_snapshots = sa.Table(
    "usage_snapshots",
    metadata,
    sa.Column("account_id", ID, primary_key=True),
    sa.Column("product_id", ID, primary_key=True),
    sa.Column("measured_on", sa.Date, primary_key=True),
    sa.Column("seats", sa.Integer),
    sa.Column("active_users", sa.Integer),
    sa.Column("features_used", sa.Integer),
)

web_visits = sa.Table(
    "web_visits",
    metadata,
    sa.Column("account_id", ID, primary_key=True),
    sa.Column("visited_on", sa.Date, primary_key=True),
    sa.Column("page_views", sa.Integer, nullable=False),
    sa.Column("unique_visitors", sa.Integer, nullable=False),
)

support_cases = sa.Table(
    "support_cases",
    metadata,
    _id("case_id"),
    _ref("account_id", nullable=False),
    _ref("contact_id"),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("severity", sa.String(16), nullable=False),
    sa.Column("subject", sa.String(300)),
    sa.Column("opened_at", sa.DateTime, nullable=False),
    sa.Column("resolved_at", sa.DateTime),
    sa.Column("sla_met", sa.Boolean),
    sa.Column("description", sa.Text),
    sa.Column("touch_uid", sa.String(32), doc="The touch during which it was captured."),
)

opportunities = sa.Table(
    "opportunities",
    metadata,
    _id("opportunity_id"),
    _ref("account_id", nullable=False),
    _ref("product_id"),
    sa.Column("amount", MONEY),
    sa.Column("currency", sa.String(3)),
    sa.Column("stage", sa.String(16), nullable=False),
    sa.Column("source", sa.String(64)),
    sa.Column("created_on", sa.Date, nullable=False),
    sa.Column("closed_on", sa.Date),
    sa.Column("touch_uid", sa.String(32), doc="The touch that created it."),
)

referrals = sa.Table(
    "referrals",
    metadata,
    _id("referral_id"),
    _ref("referrer_account_id", nullable=False),
    _ref("referrer_contact_id"),
    sa.Column("referred_company", sa.String(200), nullable=False),
    _ref("referred_account_id"),
    sa.Column("referred_on", sa.Date, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
)

import_log = sa.Table(
    "import_log",
    metadata,
    sa.Column("import_id", sa.String(32), primary_key=True),
    sa.Column("batch_id", sa.String(32), nullable=False),
    sa.Column("entity", sa.String(32), nullable=False),
    sa.Column("file", sa.String(1000), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("rows_read", sa.Integer, nullable=False),
    sa.Column("inserted", sa.Integer, nullable=False),
    sa.Column("updated", sa.Integer, nullable=False),
    sa.Column("unchanged", sa.Integer, nullable=False),
    sa.Column("rejected", sa.Integer, nullable=False),
    sa.Column("imported_at", sa.DateTime, nullable=False),
)

merge_log = sa.Table(
    "merge_log",
    metadata,
    sa.Column("merge_id", sa.String(32), primary_key=True),
    sa.Column("duplicate_id", ID, primary_key=True),
    sa.Column("entity", sa.String(16), nullable=False),
    sa.Column("survivor_id", ID, nullable=False),
    sa.Column("rule", sa.String(64), nullable=False),
    sa.Column("score", sa.Float),
    sa.Column("merged_at", sa.DateTime, nullable=False),
    sa.Column("undone_at", sa.DateTime),
)

program_revisions = sa.Table(
    "program_revisions",
    metadata,
    sa.Column("program_id", sa.String(64), primary_key=True),
    sa.Column("revision", sa.Integer, primary_key=True),
    sa.Column("version", sa.Integer, nullable=False, doc="The version the file declares."),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("definition", sa.Text, nullable=False),
    sa.Column("registered_on", sa.Date, nullable=False),
)

holdout_assignments = sa.Table(
    "holdout_assignments",
    metadata,
    sa.Column("program_id", sa.String(64), primary_key=True),
    sa.Column("account_id", ID, primary_key=True),
    sa.Column("arm", sa.String(8), nullable=False),
    sa.Column("assigned_on", sa.Date, nullable=False),
    sa.Column("share", sa.Float, nullable=False),
    sa.Column("salt", sa.String(100), nullable=False),
)

touches = sa.Table(
    "touches",
    metadata,
    sa.Column("touch_uid", sa.String(32), primary_key=True, doc="Digest of the natural key."),
    sa.Column("program_id", sa.String(64), nullable=False),
    sa.Column("touch_id", sa.String(64), nullable=False),
    sa.Column("account_id", ID, nullable=False),
    sa.Column("cycle", sa.String(100), nullable=False, doc="The anchor the touch belongs to."),
    sa.Column("agreement_id", ID),
    sa.Column("program_revision", sa.Integer, nullable=False),
    sa.Column("stage_id", sa.String(64), nullable=False),
    sa.Column("contact_id", ID),
    sa.Column("channel", sa.String(16)),
    sa.Column("content", sa.String(200), nullable=False),
    sa.Column("priority", sa.Integer, nullable=False),
    sa.Column("kpi", sa.String(64)),
    sa.Column("due_on", sa.Date, nullable=False),
    sa.Column("planned_on", sa.Date, nullable=False, doc="The day it goes out or is retried."),
    sa.Column("expires_on", sa.Date, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("reason", sa.String(300)),
    sa.Column("created_on", sa.Date, nullable=False),
    sa.Column("updated_on", sa.Date, nullable=False),
    sa.Column("sent_at", sa.DateTime, doc="Its first `sent` event."),
    sa.Column("attempted_at", sa.DateTime, doc="Its first call attempt (`CALL_ATTEMPTS`)."),
    sa.Column("reached_at", sa.DateTime, doc="Its first contact reached (`CALL_REACHED`)."),
    sa.UniqueConstraint("program_id", "touch_id", "account_id", "cycle"),
)

touch_events = sa.Table(
    "touch_events",
    metadata,
    sa.Column("event_id", sa.String(32), primary_key=True),
    sa.Column("touch_uid", sa.String(32), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("occurred_at", sa.DateTime, nullable=False),
    sa.Column("detail", sa.String(300)),
    sa.Column("source", sa.String(32), doc="Who reported it: planner, sender, link, api, …"),
)

dispatches = sa.Table(
    "dispatches",
    metadata,
    sa.Column("touch_uid", sa.String(32), primary_key=True),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("batch_id", sa.String(64), nullable=False),
    sa.Column("message_id", sa.String(200), doc="Email Message-ID, derived from the touch."),
    sa.Column("recipient", sa.String(300), doc="Address, phone or partner it went to."),
    sa.Column("team", sa.String(64), doc="Call team whose queue holds it."),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("next_attempt_at", sa.DateTime),
    sa.Column("claimed_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("detail", sa.String(300)),
    sa.UniqueConstraint("message_id"),
)

suppressions = sa.Table(
    "suppressions",
    metadata,
    sa.Column("contact_id", ID, primary_key=True),
    sa.Column("channel", sa.String(16), primary_key=True, doc="A channel, or `any`."),
    sa.Column("reason", sa.String(32), nullable=False),
    sa.Column("touch_uid", sa.String(32)),
    sa.Column("occurred_at", sa.DateTime, nullable=False),
)

survey_responses = sa.Table(
    "survey_responses",
    metadata,
    sa.Column("response_id", sa.String(32), primary_key=True),
    sa.Column("survey_id", sa.String(200), nullable=False),
    sa.Column("touch_uid", sa.String(32)),
    _ref("account_id", nullable=False),
    _ref("contact_id"),
    sa.Column("question_id", sa.String(64), nullable=False),
    sa.Column("answer", sa.Text, nullable=False),
    sa.Column("answered_at", sa.DateTime, nullable=False),
)

platform_settings = sa.Table(
    "platform_settings",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

account_scores = sa.Table(
    "account_scores",
    metadata,
    sa.Column("account_id", ID, primary_key=True),
    sa.Column("score", sa.String(32), primary_key=True),
    sa.Column("scored_on", sa.Date, primary_key=True),
    sa.Column("value", sa.Float),
    sa.Column("band", sa.String(16)),
)

points_entries = sa.Table(
    "points_entries",
    metadata,
    sa.Column("entry_id", sa.String(32), primary_key=True),
    _ref("account_id", nullable=False),
    _ref("contact_id"),
    sa.Column("points", sa.Integer, nullable=False, doc="Earned (+) or taken (−)."),
    sa.Column("kind", sa.String(16), nullable=False, doc="earn, redeem, expire, reverse, adjust"),
    sa.Column("rule", sa.String(64), doc="The earning rule, for points earned."),
    sa.Column("source_key", sa.String(200), nullable=False, doc="What it is for: once only."),
    sa.Column("occurred_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, doc="When what remains of points added expires."),
    sa.Column("reason", sa.String(300)),
    sa.Column("actor", sa.String(100), doc="Who made it: a person, or the rule engine."),
    sa.Column("recorded_at", sa.DateTime, nullable=False),
    sa.UniqueConstraint("source_key"),
)

points_allocations = sa.Table(
    "points_allocations",
    metadata,
    sa.Column("entry_id", sa.String(32), primary_key=True, doc="The entry taking points."),
    sa.Column("lot_id", sa.String(32), primary_key=True, doc="The entry giving them."),
    sa.Column("points", sa.Integer, nullable=False),
)


rewards = sa.Table(
    "rewards",
    metadata,
    sa.Column("reward_id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("description", sa.Text),
    sa.Column("points", sa.Integer, nullable=False, doc="What one costs."),
    sa.Column("stock", sa.Integer, doc="Units ever offered (none: unlimited)."),
    sa.Column("valid_from", sa.Date),
    sa.Column("valid_until", sa.Date),
    sa.Column("per_account", sa.Integer, doc="Units one account may have (none: unlimited)."),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)

reward_redemptions = sa.Table(
    "reward_redemptions",
    metadata,
    sa.Column("redemption_id", sa.String(32), primary_key=True),
    sa.Column("reward_id", sa.String(64), nullable=False),
    _ref("account_id", nullable=False),
    _ref("contact_id"),
    sa.Column("quantity", sa.Integer, nullable=False),
    sa.Column("points", sa.Integer, nullable=False, doc="Points taken for it."),
    sa.Column("status", sa.String(16), nullable=False,
              doc="requested, approved, fulfilled or cancelled"),
    sa.Column("entry_id", sa.String(32), nullable=False, doc="The ledger's redeem entry."),
    sa.Column("requested_at", sa.DateTime, nullable=False),
    sa.Column("approved_at", sa.DateTime),
    sa.Column("fulfilled_at", sa.DateTime),
    sa.Column("cancelled_at", sa.DateTime),
    sa.Column("returned", sa.Integer, doc="Points given back on cancellation."),
    sa.Column("actor", sa.String(100), doc="Who moved it last."),
    sa.Column("note", sa.String(300)),
)  # fmt: skip

loyalty_tiers = sa.Table(
    "loyalty_tiers",
    metadata,
    sa.Column("account_id", ID, primary_key=True),
    sa.Column("tier", sa.String(32), nullable=False),
    sa.Column("since", sa.Date, nullable=False, doc="The review that gave it."),
    sa.Column("below_since", sa.Date, doc="Since when its points have been below it."),
    sa.Column("points", sa.Integer, nullable=False, doc="Qualifying points at the review."),
    sa.Column("reviewed_on", sa.Date, nullable=False),
)

tier_events = sa.Table(
    "tier_events",
    metadata,
    sa.Column("event_id", sa.String(32), primary_key=True),
    _ref("account_id", nullable=False),
    sa.Column("occurred_on", sa.Date, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False, doc="entered, upgrade or downgrade"),
    sa.Column("from_tier", sa.String(32)),
    sa.Column("to_tier", sa.String(32), nullable=False),
    sa.Column("points", sa.Integer, nullable=False),
)

# Secondary indexes serve PostgreSQL's row lookups; DuckDB scans columns and its indexes
# would only slow bulk loads, so they are created on PostgreSQL alone.
POSTGRES_INDEXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("accounts", ("registration_id",)),
    ("accounts", ("partner_id",)),
    ("contacts", ("account_id",)),
    ("contacts", ("email",)),
    ("contacts", ("phone",)),
    ("agreements", ("account_id",)),
    ("agreements", ("end_on",)),
    ("orders", ("account_id",)),
    ("orders", ("ordered_on",)),
    ("order_lines", ("order_id",)),
    ("support_cases", ("account_id",)),
    ("opportunities", ("account_id",)),
    ("referrals", ("referrer_account_id",)),
    ("reward_redemptions", ("account_id",)),
    ("reward_redemptions", ("reward_id",)),
    ("tier_events", ("account_id",)),
    ("merge_log", ("survivor_id",)),
    ("touches", ("account_id",)),
    ("touches", ("planned_on",)),
    ("touch_events", ("touch_uid",)),
    ("dispatches", ("channel", "state")),
    ("survey_responses", ("account_id",)),
    ("points_entries", ("account_id",)),
    ("points_allocations", ("lot_id",)),
)

for _table, _columns in POSTGRES_INDEXES:
    sa.Index(
        f"ix_{_table}_{'_'.join(_columns)}", *(metadata.tables[_table].c[c] for c in _columns)
    ).ddl_if(dialect="postgresql")
