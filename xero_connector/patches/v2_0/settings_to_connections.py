"""Xero Settings (one connection for the whole site) becomes a Xero App (credentials and
the consent's tokens) and the Xero Connection of one company (issue 15;
docs/design/multi-company.md, section 2). Runs once, after the new doctypes exist
(patches.txt, post_model_sync); a fresh install records it without running it.

Every step is guarded, so a run cut short completes on the next migrate. Secrets are
never decrypted: their encrypted rows in ``__Auth`` are re-labelled to the Xero App
(Fernet ciphertext is not bound to its row), so no plaintext exists at any point and a
secret that could not be read before stays as it was.
"""

from __future__ import annotations

import json

import click
import frappe

from xero_connector.constants import APP, CONNECTION, NOT_CONNECTED, SETTINGS, SYNC_LOG

APP_NAME = "Xero"
PASSWORD_MASK = "*" * 10
SECRETS = ("client_secret", "webhook_key", "access_token", "refresh_token")
APP_FIELDS = (
	"client_id",
	"scope_mode",
	"xero_app_tier",
	"api_app_minute_remaining",
	"use_sandbox",
	"sandbox_url",
	"sandbox_time_scale",
	"connection_status",
	"connected_on",
	"reauth_message",
	"reauth_notified",
	"granted_tenants",
	"token_expires_at",
	"token_updated_at",
	"granted_scope",
)
CONNECTION_FIELDS = (
	"enabled",
	"connection_status",
	"organisation_name",
	"tenant_id",
	"base_currency",
	"connected_on",
	"organisation_mismatch",
	"synced_organisation_name",
	"synced_organisation_id",
	"synced_base_currency",
	"synced_tenant_id",
	"connected_organisation_name",
	"connected_organisation_id",
	"connected_base_currency",
	"connected_organisation_tenant",
	"api_minute_remaining",
	"api_day_remaining",
	"api_budget_updated_on",
	"default_account_code",
	"default_tax_type",
	"zero_tax_type",
	"rounding_account_code",
	"billing_code_field",
	"invoice_status",
	"reference_fetched_on",
	"xero_currencies",
	"sync_trigger",
	"push_round_minutes",
	"last_push_round",
	"block_submit_on_preflight",
	"payment_pull_interval",
	"last_payment_pull",
	"payment_watermark",
	"watermarks",
	"create_payment_entries",
	"push_quotations",
)
KEPT_ON_SETTINGS = ("requeue_after_minutes", "customer_invoice_count")


def execute():
	old = dict(frappe.db.sql("select field, value from `tabSingles` where doctype = %s", SETTINGS))
	secrets = set(
		frappe.db.sql_list(
			"select fieldname from `__Auth` where doctype = %s and name = %s", (SETTINGS, SETTINGS)
		)
	)
	if old.get("client_id") or old.get("tenant_id") or secrets:
		app = ensure_app(old)
		move_secrets(app, secrets)
		company = choose_company()
		if company:
			ensure_connection(company, app, old)
			move_history(company)
		else:
			click.secho(
				"Xero Connector: no Company exists, so no Xero Connection was made (Xero Settings keeps"
				" its values). Add one for your company on the Xero Connection list, with Xero App 'Xero'.",
				fg="yellow",
			)
			return
	slim_settings()
	frappe.cache.delete_value("xero_connector:connections:v1")
	frappe.db.commit()


def ensure_app(old: dict) -> str:
	"""Step 3: the Xero App "Xero" with the old app-wide values (made once)."""
	if not frappe.db.exists(APP, APP_NAME):
		values = {field: old.get(field) for field in APP_FIELDS if old.get(field) not in (None, "")}
		values["connection_status"] = old.get("connection_status") or NOT_CONNECTED
		doc = frappe.get_doc({"doctype": APP, "app_name": APP_NAME, **values})
		doc.flags.ignore_validate = True
		doc.flags.ignore_links = True
		doc.flags.ignore_mandatory = True
		doc.insert(ignore_permissions=True)
	return APP_NAME


def move_secrets(app: str, fields: set[str]) -> None:
	"""Step 4: each encrypted secret changes owner, never decrypted; the app's column gets
	the mask Frappe keeps beside a stored password."""
	for field in SECRETS:
		if field not in fields:
			continue
		if frappe.db.sql(
			"select 1 from `__Auth` where doctype = %s and name = %s and fieldname = %s", (APP, app, field)
		):
			frappe.db.sql(
				"delete from `__Auth` where doctype = %s and name = %s and fieldname = %s",
				(SETTINGS, SETTINGS, field),
			)
		else:
			frappe.db.sql(
				"update `__Auth` set doctype = %s, name = %s where doctype = %s and name = %s and fieldname = %s",
				(APP, app, SETTINGS, SETTINGS, field),
			)
		frappe.db.set_value(APP, app, field, PASSWORD_MASK, update_modified=False)
	# the workers' encrypted copy of the tokens was kept under the old key
	frappe.cache.delete("xero_connector|" + "|".join([frappe.local.site, "tokens"]))


def choose_company() -> str | None:
	"""Step 2: the company whose invoices are in Xero (most of them, when several are),
	else the default company, else the first one made."""
	sent = []
	if frappe.db.has_column("Sales Invoice", "xero_invoice_id"):
		sent = frappe.db.sql(
			"""select company, count(*) from `tabSales Invoice`
			where ifnull(xero_invoice_id, '') != '' group by company order by count(*) desc, company"""
		)
	if sent:
		company = sent[0][0]
		if len(sent) > 1:
			others = ", ".join(row[0] for row in sent[1:])
			click.secho(
				f"Xero Connector: the Xero organisation now belongs to {company}. Invoices of {others}"
				" were sent to it too; they sync nowhere until those companies get a Xero Connection.",
				fg="yellow",
			)
		return company
	default = frappe.db.get_single_value("Global Defaults", "default_company")
	if default and frappe.db.exists("Company", default):
		return default
	companies = frappe.get_all("Company", pluck="name", order_by="creation asc", limit=1)
	return companies[0] if companies else None


def ensure_connection(company: str, app: str, old: dict) -> None:
	"""Step 5: the chosen company's Xero Connection with the old per-organisation values and
	bank account rows (made once)."""
	if not frappe.db.exists(CONNECTION, company):
		values = {field: old.get(field) for field in CONNECTION_FIELDS if old.get(field) not in (None, "")}
		tenant = old.get("tenant_id") or None
		values["tenant_id"] = tenant  # an empty unique value must be NULL, never ""
		values["connection_status"] = (old.get("connection_status") if tenant else None) or NOT_CONNECTED
		granted = json.loads(old.get("granted_tenants") or "[]")
		values["xero_connection_id"] = next(
			(t.get("id") for t in granted if tenant and t.get("tenantId") == tenant), None
		)
		doc = frappe.get_doc({"doctype": CONNECTION, "company": company, "xero_app": app, **values})
		doc.flags.ignore_validate = True
		doc.flags.ignore_links = True
		doc.flags.ignore_mandatory = True
		doc.insert(ignore_permissions=True)
	frappe.db.sql(
		"""update `tabXero Bank Account Mapping` set parenttype = %s, parent = %s, parentfield = 'xero_bank_accounts'
		where parenttype = %s""",
		(CONNECTION, company, SETTINGS),
	)


def move_history(company: str) -> None:
	"""Step 7: the payment pulls' rows name the company's connection instead of Xero Settings."""
	frappe.db.sql(
		f"update `tab{SYNC_LOG}` set reference_doctype = %s, reference_name = %s where reference_doctype = %s",
		(CONNECTION, company, SETTINGS),
	)


def slim_settings() -> None:
	"""Step 9: Xero Settings keeps only what is set once for the site."""
	placeholders = ", ".join(["%s"] * len(KEPT_ON_SETTINGS))
	frappe.db.sql(
		f"delete from `tabSingles` where doctype = %s and field not in ({placeholders})",
		(SETTINGS, *KEPT_ON_SETTINGS),
	)
	frappe.clear_document_cache(SETTINGS, SETTINGS)
