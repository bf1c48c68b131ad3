"""Install and migrate hooks: the role, the custom fields and the log-clearing
registration, all idempotent. uninstall.py undoes each of them."""

import click
import frappe
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from xero_connector.constants import SYNC_LOG, XERO_MANAGER
from xero_connector.xero_connector.custom_fields import get_custom_fields

LOG_RETENTION_DAYS = 30


def before_install():
	"""hooks.before_install: the role must exist before the doctypes' permissions are synced."""
	create_roles()


def after_install():
	"""hooks.after_install."""
	click.echo("Setting up Xero Connector...")
	create_roles()
	restore_desk_roles()
	create_custom_fields(get_custom_fields(), ignore_validate=True)
	register_log_clearing()


def after_migrate():
	"""hooks.after_migrate: re-apply custom fields (picks up changes to their definitions)."""
	create_roles()
	restore_desk_roles()
	create_custom_fields(get_custom_fields(), ignore_validate=True)
	register_log_clearing()


def create_roles():
	if not frappe.db.exists("Role", XERO_MANAGER):
		frappe.get_doc({"doctype": "Role", "role_name": XERO_MANAGER, "desk_access": 1}).insert(
			ignore_permissions=True
		)


DESK_PAGES = (("page", "xero_readiness"), ("report", "xero_reconciliation"))


def restore_desk_roles():
	"""The Readiness page and the Reconciliation report admit the Xero Manager. A role
	deleted and made again (uninstall, then install) loses those rows while the page and
	report stay, so both are reloaded from their JSON, roles included."""
	for kind, name in DESK_PAGES:
		frappe.reload_doc("xero_connector", kind, name, force=True)


def register_log_clearing():
	"""Add Xero Sync Log to Log Settings (also listed in hooks.default_log_clearing_doctypes)."""
	from frappe.core.doctype.log_settings import log_settings

	if not frappe.db.exists("DocType", SYNC_LOG):
		return
	# Log Settings caches "does this doctype support clearing" per process; during
	# install it may have been asked before our doctypes existed.
	if hasattr(log_settings._supports_log_clearing, "clear_cache"):
		log_settings._supports_log_clearing.clear_cache()
	settings = frappe.get_single("Log Settings")
	settings.register_doctype(SYNC_LOG, LOG_RETENTION_DAYS)
	settings.flags.ignore_permissions = True
	settings.save()
